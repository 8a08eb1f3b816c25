/// Qlib's Alpha158 (`qlib/contrib/data/loader.py`, FACTORS.md): 9 candlestick, 4 price and
/// 29 rolling groups × windows 5, 10, 20, 30, 60 — 158 factors under Qlib's names, as formulas.
public enum Alpha158 {
    public static let windows = [5, 10, 20, 30, 60]

    static let kbar: [(String, String)] = [
        ("KMID", "($close-$open)/$open"),
        ("KLEN", "($high-$low)/$open"),
        ("KMID2", "($close-$open)/($high-$low+1e-12)"),
        ("KUP", "($high-Greater($open,$close))/$open"),
        ("KUP2", "($high-Greater($open,$close))/($high-$low+1e-12)"),
        ("KLOW", "(Less($open,$close)-$low)/$open"),
        ("KLOW2", "(Less($open,$close)-$low)/($high-$low+1e-12)"),
        ("KSFT", "(2*$close-$high-$low)/$open"),
        ("KSFT2", "(2*$close-$high-$low)/($high-$low+1e-12)"),
    ]

    static let price: [(String, String)] = [
        ("OPEN0", "$open/$close"), ("HIGH0", "$high/$close"), ("LOW0", "$low/$close"), ("VWAP0", "$vwap/$close"),
    ]

    /// Rolling groups; `d` stands for the window.
    static let rolling: [(String, String)] = [
        ("ROC", "Ref($close,d)/$close"),
        ("MA", "Mean($close,d)/$close"),
        ("STD", "Std($close,d)/$close"),
        ("BETA", "Slope($close,d)/$close"),
        ("RSQR", "Rsquare($close,d)"),
        ("RESI", "Resi($close,d)/$close"),
        ("MAX", "Max($high,d)/$close"),
        ("MIN", "Min($low,d)/$close"),
        ("QTLU", "Quantile($close,d,0.8)/$close"),
        ("QTLD", "Quantile($close,d,0.2)/$close"),
        ("RANK", "Rank($close,d)"),
        ("RSV", "($close-Min($low,d))/(Max($high,d)-Min($low,d)+1e-12)"),
        ("IMAX", "IdxMax($high,d)/d"),
        ("IMIN", "IdxMin($low,d)/d"),
        ("IMXD", "(IdxMax($high,d)-IdxMin($low,d))/d"),
        ("CORR", "Corr($close,Log($volume+1),d)"),
        ("CORD", "Corr($close/Ref($close,1),Log($volume/Ref($volume,1)+1),d)"),
        ("CNTP", "Mean($close>Ref($close,1),d)"),
        ("CNTN", "Mean($close<Ref($close,1),d)"),
        ("CNTD", "Mean($close>Ref($close,1),d)-Mean($close<Ref($close,1),d)"),
        ("SUMP", "Sum(Greater($close-Ref($close,1),0),d)/(Sum(Abs($close-Ref($close,1)),d)+1e-12)"),
        ("SUMN", "Sum(Greater(Ref($close,1)-$close,0),d)/(Sum(Abs($close-Ref($close,1)),d)+1e-12)"),
        (
            "SUMD",
            "(Sum(Greater($close-Ref($close,1),0),d)-Sum(Greater(Ref($close,1)-$close,0),d))/(Sum(Abs($close-Ref($close,1)),d)+1e-12)"
        ),
        ("VMA", "Mean($volume,d)/($volume+1e-12)"),
        ("VSTD", "Std($volume,d)/($volume+1e-12)"),
        (
            "WVMA",
            "Std(Abs($close/Ref($close,1)-1)*$volume,d)/(Mean(Abs($close/Ref($close,1)-1)*$volume,d)+1e-12)"
        ),
        ("VSUMP", "Sum(Greater($volume-Ref($volume,1),0),d)/(Sum(Abs($volume-Ref($volume,1)),d)+1e-12)"),
        ("VSUMN", "Sum(Greater(Ref($volume,1)-$volume,0),d)/(Sum(Abs($volume-Ref($volume,1)),d)+1e-12)"),
        (
            "VSUMD",
            "(Sum(Greater($volume-Ref($volume,1),0),d)-Sum(Greater(Ref($volume,1)-$volume,0),d))/(Sum(Abs($volume-Ref($volume,1)),d)+1e-12)"
        ),
    ]

    /// The 158 (name, formula) pairs, in Qlib's order.
    public static var factors: [(name: String, formula: String)] {
        var all = (kbar + price).map { (name: $0.0, formula: $0.1) }
        for (group, template) in rolling {
            for d in windows {
                all.append((group + String(d), substitute(template, window: d)))
            }
        }
        return all
    }

    /// Replaces the window placeholder `d` (a lone `d`, never part of a name) with `window`.
    static func substitute(_ template: String, window: Int) -> String {
        var out = ""
        let characters = Array(template)
        for (i, c) in characters.enumerated() {
            let before = i > 0 ? characters[i - 1] : " "
            let after = i + 1 < characters.count ? characters[i + 1] : " "
            let isPlaceholder =
                c == "d" && !(before.isLetter || before.isNumber || before == "_" || before == "$")
                && !(after.isLetter || after.isNumber || after == "_")
            out += isPlaceholder ? String(window) : String(c)
        }
        return out
    }

    /// The 14 factors of Qlib's published data-server benchmark shape: a quick subset.
    public static let quickSubset = [
        "KMID", "KLEN", "KUP", "KLOW", "KSFT", "OPEN0", "HIGH0", "LOW0", "ROC5", "MA5", "STD5", "MAX5", "MIN5", "CORR5",
    ]
}
