import Foundation

/// A progress bar with rate and ETA on a terminal; plain periodic lines when standard error is
/// not a terminal (logs, CI), so redirected output stays readable.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: all state is guarded by `lock`; updates arrive from the sync task only.
    private let lock = NSLock()
    private let label: String
    private let unit: String
    private let interactive: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainPercent = -1

    init(label: String, unit: String = "units") {
        self.label = label
        self.unit = unit
        self.interactive = isatty(STDERR_FILENO) == 1
    }

    func update(completed: Int, total: Int, detail: String = "") {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        let remaining = rate > 0 ? Double(total - completed) / rate : 0
        let fraction = total > 0 ? Double(completed) / Double(total) : 1
        let percent = Int(fraction * 100)
        if interactive {
            guard completed == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line =
                "\r\(label) [\(bar)] \(percent)% \(completed)/\(total) \(unit) \(Self.rate(rate))/s ETA \(Self.clock(remaining)) \(detail)"
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        } else {
            guard percent / 10 != lastPlainPercent / 10 || completed == total, percent != lastPlainPercent else {
                return
            }
            lastPlainPercent = percent
            let line =
                "\(label): \(percent)% (\(completed)/\(total) \(unit), \(Self.rate(rate))/s, ETA \(Self.clock(remaining))) \(detail)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
