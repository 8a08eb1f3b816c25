import StockSchoolOps
import Testing

@Suite struct PerfFiguresTests {
    @Test func cpuUsageBetweenTwoProcStatReadings() throws {
        // user nice system idle iowait irq softirq steal guest guest_nice
        let first = try #require(ProcStat.cpuTimes("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n"))
        let second = try #require(ProcStat.cpuTimes("cpu  160 0 70 880 70 10 10 0 30 0\n"))
        // Busy: (160+70+10+10) − (100+50) = 100; total: 1200 − 1000 = 200 (guest not counted).
        #expect(first.total == 1000 && second.total == 1200)
        #expect(ProcStat.CPUTimes.usagePercent(from: first, to: second) == 50)
        #expect(ProcStat.cpuTimes("intr 1 2 3") == nil)
    }

    @Test func memoryAsFreeComputesIt() throws {
        let text = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4000000 kB\n"
        let memory = try #require(ProcStat.memory(text))
        #expect(memory.totalBytes == 16_000_000 * 1024)
        #expect(memory.usedPercent == 75)
    }

    @Test func diskstatsSkipPartitionsAndVirtualDevices() {
        let text = """
               8       0 sda 100 0 2000 0 50 0 4000 0 0 300 0 0 0 0 0 0 0
               8       1 sda1 100 0 2000 0 50 0 4000 0 0 300 0 0 0 0 0 0 0
             259       0 nvme0n1 10 0 80 0 5 0 40 0 0 30 0 0 0 0 0 0 0
             259       1 nvme0n1p1 10 0 80 0 5 0 40 0 0 30 0 0 0 0 0 0 0
               7       0 loop0 1 0 8 0 0 0 0 0 0 1 0 0 0 0 0 0 0
             253       0 dm-0 1 0 8 0 0 0 0 0 0 1 0 0 0 0 0 0 0
            """
        let devices = ProcStat.diskCounters(text)
        #expect(devices.map(\.device) == ["sda", "nvme0n1", "dm-0"])
        #expect(devices[0].sectorsRead == 2000 && devices[0].sectorsWritten == 4000 && devices[0].ioMilliseconds == 300)
    }

    @Test func tcpSocketsByState() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1
               1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2
               2: 0100007F:1F90 0100007F:C351 06 00000000:00000000 00:00000000 00000000     0        0 3
            """
        let tcp6 =
            "  sl  local_address\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 0\n"
        #expect(ProcStat.tcpStates([tcp, tcp6]) == ["LISTEN": 2, "ESTABLISHED": 1, "TIME_WAIT": 1])
    }

    @Test func prometheusTextWithLabelsAndEscapes() {
        let text = """
            # HELP http_requests_total HTTP requests answered.
            # TYPE http_requests_total counter
            http_requests_total{route="/api/v1/stocks",method="GET",status="200"} 90
            http_requests_total{route="/api/v1/stocks",method="GET",status="503"} 10
            weird{path="a \\"quoted\\" \\\\ path",le="+Inf"} 1.5e3
            broken{route="x" 3
            up 1 1700000000000
            """
        let samples = PrometheusSample.parse(text)
        #expect(samples.count == 4)
        #expect(samples[2].labels["path"] == #"a "quoted" \ path"# && samples[2].value == 1500)
        #expect(samples[3] == PrometheusSample(name: "up", value: 1))
        let figures = APIRequestFigures(samples)
        #expect(figures.requests == 100 && figures.serverErrors == 10 && figures.errorRate == 0.1)
    }

    @Test func quantilesAsHistogramQuantileComputesThem() throws {
        // 100 requests: 50 under 0.1 s, 40 in (0.1, 0.5], 10 in (0.5, 1].
        let text = """
            http_request_duration_seconds_bucket{route="a",le="0.1"} 30
            http_request_duration_seconds_bucket{route="b",le="0.1"} 20
            http_request_duration_seconds_bucket{route="a",le="0.5"} 60
            http_request_duration_seconds_bucket{route="b",le="0.5"} 30
            http_request_duration_seconds_bucket{route="a",le="1"} 65
            http_request_duration_seconds_bucket{route="b",le="1"} 35
            http_request_duration_seconds_bucket{route="a",le="+Inf"} 65
            http_request_duration_seconds_bucket{route="b",le="+Inf"} 35
            """
        let figures = APIRequestFigures(PrometheusSample.parse(text))
        // p50: rank 50 is the top of the first bucket → 0.1. p95: rank 95, 5 of 10 into (0.5, 1]
        // → 0.75. p99: 9 of 10 → 0.95. p25: 25 of 50 into (0, 0.1] → 0.05.
        #expect(figures.quantile(0.5) == 0.1)
        #expect(try abs(#require(figures.quantile(0.95)) - 0.75) < 1e-12)
        #expect(try abs(#require(figures.quantile(0.99)) - 0.95) < 1e-12)
        #expect(try abs(#require(figures.quantile(0.25)) - 0.05) < 1e-12)
        // Ranks in the +Inf bucket answer the largest finite bound.
        let slow = APIRequestFigures(requests: 10, serverErrors: 0, buckets: [(1, 5), (.infinity, 10)])
        #expect(slow.quantile(0.9) == 1)
        // Two scrapes: what happened in between.
        let later = APIRequestFigures(
            requests: 110, serverErrors: 10,
            buckets: [(0.1, 50), (0.5, 90), (1, 110), (.infinity, 110)])
        let between = later.since(
            APIRequestFigures(
                requests: 100, serverErrors: 10, buckets: [(0.1, 50), (0.5, 90), (1, 100), (.infinity, 100)]))
        #expect(between.requests == 10 && between.errorRate == 0)
        #expect(between.quantile(0.5) == 0.75)
    }

    @Test func redisInfoMemory() throws {
        let info = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:4194304\r\n"
        let memory = try #require(CacheProbe.Memory.parse(info: info))
        #expect(memory.usedPercent == 25 && memory.usedHuman == "1.00M")
        #expect(CacheProbe.Memory.parse(info: "used_memory:10\nmaxmemory:0\n")?.usedPercent == nil)
    }
}
