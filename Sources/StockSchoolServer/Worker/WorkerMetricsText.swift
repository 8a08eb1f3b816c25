import StockSchoolOps

/// The worker's `/metrics` body: the scheduled jobs' last success, last duration and runs by
/// outcome (from the store, so every worker of a fleet reports the same history), this worker's
/// leadership, units waiting and running, and the process figures.
///
/// The series carry a `job` label naming the scheduled job; Prometheus scrapes the worker with
/// `honor_labels: true` so that label is kept (deploy/README.md).
enum WorkerMetricsText {
    static func render(_ snapshot: WorkerMetricsSnapshot?, leader: Bool) -> String {
        var text = PrometheusText()
        let jobs = WorkerJob.allCases.map(\.rawValue)
        let known = Set(jobs)
        // Jobs found in the store that this build does not know still show (an older or newer
        // worker's jobs): their figures are facts all the same.
        let extra = Set((snapshot?.runs.keys).map(Array.init) ?? []).subtracting(known).sorted()
        let all = jobs + extra
        text.family(
            "stockschool_job_last_success_timestamp_seconds", .gauge,
            help: "When the job's last successful run ended, since the Unix epoch.",
            all.compactMap { job in snapshot?.lastSuccess[job].map { ([("job", job)], $0) } })
        text.family(
            "stockschool_job_duration_seconds", .gauge,
            help: "How long the job's last ended run took, from its first claimed unit to its end.",
            all.compactMap { job in snapshot?.lastDuration[job].map { ([("job", job)], $0) } })
        // Every job and outcome from the first scrape, at 0 until it happens: increase() cannot
        // see the first increment of a series that appears at 1.
        text.family(
            "stockschool_job_runs_total", .counter, help: "Runs of the job that ended, by outcome.",
            all.flatMap { job in
                ["succeeded", "failed"].map { outcome in
                    ([("job", job), ("outcome", outcome)], Double(snapshot?.runs[job]?[outcome] ?? 0))
                }
            })
        text.family(
            "stockschool_worker_leader", .gauge,
            help: "1 when this worker holds the leader lock (enqueues the schedule, evaluates alerts), else 0.",
            value: leader ? 1 : 0)
        text.family(
            "stockschool_worker_units", .gauge, help: "Units of the worker queue by status (all workers).",
            ["queued", "running"].compactMap { status in
                snapshot.map { ([("status", status)], Double($0.units[status] ?? 0)) }
            })
        ProcessMetrics.write(into: &text)
        return text.text
    }
}
