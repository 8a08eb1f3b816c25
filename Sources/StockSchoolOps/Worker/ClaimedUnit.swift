/// A unit a worker has claimed: what to run, and the claim (`worker`, `attempt`) that fences
/// every later write about it — a heartbeat, completion or failure counts only while the unit is
/// still held under this very claim.
public struct ClaimedUnit: Sendable, Equatable {
    public let id: Int64
    public let jobID: Int64
    /// The job's name (`sync`, `factors`).
    public let job: String
    public let name: String
    public let stage: Int
    /// `WorkerJob.UnitParams` as JSON.
    public let params: String
    /// The claim's number: 1 for the first, one more for each claim after a failure or an
    /// expired lease.
    public let attempt: Int
    public let worker: String
    /// The `worker_unit_runs` row recording this attempt.
    public let runID: Int64

    public init(
        id: Int64, jobID: Int64, job: String, name: String, stage: Int, params: String, attempt: Int, worker: String,
        runID: Int64
    ) {
        self.id = id
        self.jobID = jobID
        self.job = job
        self.name = name
        self.stage = stage
        self.params = params
        self.attempt = attempt
        self.worker = worker
        self.runID = runID
    }

    /// `sync/daily #12 (attempt 2)`, for logs.
    public var label: String { "\(job)/\(name) #\(id) (attempt \(attempt))" }
}
