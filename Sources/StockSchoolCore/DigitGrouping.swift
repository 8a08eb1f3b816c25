extension BinaryInteger {
    /// `1234567` → `1,234,567`: counts as people read them in tables and progress lines.
    public var digitsGrouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (self < 0 ? "-" : "") + out
    }
}
