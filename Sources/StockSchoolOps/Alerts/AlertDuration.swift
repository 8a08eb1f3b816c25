import Foundation

/// Durations as alert files and `--for` write them: `30s`, `5m`, `2h`, `1d`, or combined
/// (`1h30m`), as Prometheus does.
public enum AlertDuration {
    public static func parse(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total: Int64 = 0
        var number = ""
        var sawUnit = false
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isASCII, character.isNumber {
                number.append(character)
            } else if let unit = units[character], let n = Int64(number) {
                total += n * unit
                number = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        guard number.isEmpty, sawUnit || text == "0" else { return text == "0" ? .zero : nil }
        return .seconds(total)
    }

    /// `5400` seconds → `1h30m`.
    public static func format(_ duration: Duration) -> String {
        var seconds = duration.components.seconds
        guard seconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }
}
