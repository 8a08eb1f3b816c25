/// Why a step of the daily workflow could not run; the message says what to do.
public struct WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    static let noBars = WorkflowError("stock_daily is empty; run `stockschool sync` or `stockschool demo` first")

    static func syncFailed(runID: Int64) -> WorkflowError {
        WorkflowError("sync run \(runID) failed; see `stockschool sync status`")
    }
}
