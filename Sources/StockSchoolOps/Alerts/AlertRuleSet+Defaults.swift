extension AlertRuleSet {
    /// The rules StockSchool ships: the operations manual's thresholds (关键指标阈值), the same
    /// as `deploy/prometheus/rules/stockschool.yml` for the Prometheus side. A rules file replaces
    /// them entirely; start one with `stockschool alerts rules > alerts.yaml`.
    public static let defaultYAML = """
        # StockSchool alert rules: the operations manual's thresholds.
        # Signals: `stockschool alerts rules --signals`. Templates: {{ value }}, {{ threshold }},
        # {{ labels.<name> }}.

        # Channels per level (the manual: email for all, Slack for critical and warning, SMS for
        # critical; phone when the system is completely down — alerts labelled page=phone).
        routes:
          critical: [email, slack, sms]
          warning: [email, slack]
          info: [email]
          page: [phone]

        # How often a still-firing alert is sent again.
        repeat_interval:
          critical: 30m
          warning: 2h
          info: 12h

        rules:
          # 系统指标
          - alert: HighCPUUsage
            signal: cpu_usage_percent
            condition: ">"
            threshold: 80
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "CPU usage {{ value }}% is over {{ threshold }}%"
            description: "Find the busy process with `top`; `stockschool perf` shows API load and slow statements."
          - alert: HighMemoryUsage
            signal: memory_usage_percent
            condition: ">"
            threshold: 85
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "Memory usage {{ value }}% is over {{ threshold }}%"
            description: "Check resident memory of serve and worker (process_resident_memory_bytes)."
          - alert: HighDiskUsage
            signal: disk_usage_percent
            condition: ">"
            threshold: 85
            for: 5m
            level: critical
            labels: {team: ops}
            summary: "Disk holding {{ labels.path }} is {{ value }}% full (over {{ threshold }}%)"
            description: "Free space: old backups (backup.sh cleanup), old logs (find logs/ -mtime +30 -delete)."
          - alert: HighNetworkLatency
            signal: network_latency_ms
            condition: ">"
            threshold: 100
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "Round trip to the {{ labels.target }} is {{ value }} ms (over {{ threshold }} ms)"
          # 应用指标
          - alert: DatabaseDown
            signal: database_up
            condition: "<"
            threshold: 1
            for: 1m
            level: critical
            labels: {team: ops}
            summary: "The database does not answer"
            description: "pg_isready; then the manual's 数据库连接问题 steps."
          - alert: CacheDown
            signal: cache_up
            condition: "<"
            threshold: 1
            for: 1m
            level: warning
            labels: {team: ops}
            summary: "Redis does not answer; the API serves from the database meanwhile"
          - alert: StockSchoolDown
            signal: api_up
            condition: "<"
            threshold: 1
            for: 1m
            level: critical
            labels: {team: ops, page: phone}
            summary: "The StockSchool API does not answer /api/health"
            description: "The system is unavailable (P0): start the incident response now."
          - alert: APIHighLatency
            signal: api_p95_seconds
            condition: ">"
            threshold: 2
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "API p95 latency is {{ value }} s (over {{ threshold }} s)"
          - alert: APIHighErrorRate
            signal: api_error_rate
            condition: ">"
            threshold: 0.05
            for: 5m
            level: critical
            labels: {team: ops}
            summary: "API 5xx rate is {{ value }} (over {{ threshold }})"
          - alert: TooManyDatabaseConnections
            signal: database_connections
            condition: ">"
            threshold: 80
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "{{ value }} database connections (over {{ threshold }})"
            description: "The manual's 终止空闲连接 query ends connections idle for 5 minutes."
          - alert: RedisHighMemory
            signal: redis_memory_percent
            condition: ">"
            threshold: 80
            for: 5m
            level: warning
            labels: {team: ops}
            summary: "Redis uses {{ value }}% of maxmemory (over {{ threshold }}%)"
          # 业务指标
          - alert: SyncDelayed
            signal: sync_delay_hours
            condition: ">"
            threshold: 2
            for: 10m
            level: warning
            labels: {team: data}
            summary: "{{ labels.dataset }} is {{ value }} h behind (over {{ threshold }} h)"
            description: "`stockschool sync status` shows the last run; `stockschool sync` fetches what is missing."
          - alert: LowDataQuality
            signal: data_quality
            condition: "<"
            threshold: 0.8
            for: 10m
            level: warning
            labels: {team: data}
            summary: "{{ labels.dataset }} data quality is {{ value }} (under {{ threshold }})"
            description: "`stockschool quality` lists the worst reports."
          - alert: HighFactorFailureRate
            signal: factor_failure_rate
            condition: ">"
            threshold: 0.1
            for: 10m
            level: warning
            labels: {team: research}
            summary: "{{ value }} of factor calculations failed (over {{ threshold }})"
          - alert: BackupStale
            signal: backup_age_hours
            condition: ">"
            threshold: 26
            for: 0s
            level: info
            labels: {team: ops}
            summary: "The newest backup is {{ value }} h old (over {{ threshold }} h)"
            description: "scripts/deployment/backup.sh backup makes one."
        """
}
