extension Result where Failure == any Error {
    /// The outcome of an async throwing call, so cleanup can run before the error is rethrown.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
