/// What `stockschool worker` keeps: the scheduled runs of the daily jobs, the units each run is
/// split into, and every attempt at a unit. The tables are the work queue itself (PostgreSQL
/// claims units with `FOR UPDATE SKIP LOCKED`), so a worker holds no state the store does not.
extension Schema {
    /// One row per run of a job (`sync`, `factors`): `queued` when enqueued, `running` from its
    /// first claimed unit, `succeeded` when every unit has, `failed` when one ran out of tries.
    /// Unique on (`job`, `scheduled_for`), so schedulers racing to enqueue a fire time — a new
    /// leader catching up on the old one's — insert it once.
    public static let workerJobs = TableSchema(
        name: "worker_jobs",
        columns: [
            Column("job", .text, nullable: false),
            Column("scheduled_for", .timestamp, nullable: false),
            Column("status", .text, nullable: false),
            Column("params", .text, nullable: false),
            Column("enqueued_by", .text, nullable: false),
            Column("created_at", .timestamp, nullable: false),
            Column("started_at", .timestamp),
            Column("finished_at", .timestamp),
            Column("attempts", .integer, nullable: false),
            Column("error", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["status"], ["finished_at"]])

    public static let workerJobsScheduleIndex =
        "CREATE UNIQUE INDEX IF NOT EXISTS worker_jobs_job_scheduled_for ON worker_jobs (job, scheduled_for)"

    /// The units a job is split into (a dataset to sync, a step of the factors job). Units of a
    /// lower `stage` finish before a higher stage is claimed; units of one stage run in parallel
    /// across workers. A claim sets `claimed_by` and a lease (`lease_expires_at`) that heartbeats
    /// extend; a unit whose lease has expired — its worker was killed — is claimable again.
    /// `attempts` counts claims and fences them: a worker completes or extends only the claim it
    /// made, so a unit never completes twice.
    public static let workerUnits = TableSchema(
        name: "worker_units",
        columns: [
            Column("job_id", .integer, nullable: false),
            Column("name", .text, nullable: false),
            Column("stage", .integer, nullable: false),
            Column("params", .text, nullable: false),
            Column("status", .text, nullable: false),
            Column("attempts", .integer, nullable: false),
            Column("available_at", .timestamp, nullable: false),
            Column("claimed_by", .text),
            Column("claimed_at", .timestamp),
            Column("heartbeat_at", .timestamp),
            Column("lease_expires_at", .timestamp),
            Column("started_at", .timestamp),
            Column("finished_at", .timestamp),
            Column("detail", .text),
            Column("error", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["job_id"], ["status"]])

    /// One row per claim of a unit: who ran it, when, and how it ended (`succeeded`, `failed`,
    /// `released` at shutdown, `lost` when the lease had passed to another worker; NULL while
    /// running, and forever for a worker killed mid-unit). The audit trail that shows a unit
    /// taken over after a kill ran to completion once.
    public static let workerUnitRuns = TableSchema(
        name: "worker_unit_runs",
        columns: [
            Column("unit_id", .integer, nullable: false),
            Column("job_id", .integer, nullable: false),
            Column("attempt", .integer, nullable: false),
            Column("worker", .text, nullable: false),
            Column("started_at", .timestamp, nullable: false),
            Column("finished_at", .timestamp),
            Column("outcome", .text),
            Column("message", .text),
        ],
        primaryKey: ["id"], generatedID: true, indexes: [["unit_id"], ["job_id"]])
}
