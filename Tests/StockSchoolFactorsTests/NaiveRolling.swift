import Foundation

/// Obviously-correct O(n·w) reference implementations: every row re-reads its whole window, two-pass formulas.
enum NaiveRolling {
    /// Rows of the window ending at `i`.
    static func rows(_ i: Int, _ window: Int) -> ClosedRange<Int> { max(0, i - window + 1)...i }

    static func values(_ x: [Double], _ i: Int, _ window: Int) -> [Double] {
        rows(i, window).map { x[$0] }.filter { !$0.isNaN }
    }

    /// Applies `f` to the window's non-NaN values where there are at least `minPeriods` of them.
    static func each(_ x: [Double], _ window: Int, _ minPeriods: Int, _ f: ([Double], Int) -> Double) -> [Double] {
        x.indices.map { i in
            let v = values(x, i, window)
            return v.count >= minPeriods ? f(v, i) : .nan
        }
    }

    static func meanOf(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

    static func centralMoment(_ v: [Double], _ k: Double) -> Double {
        let m = meanOf(v)
        return v.map { pow($0 - m, k) }.reduce(0, +) / Double(v.count)
    }

    static func sampleVariance(_ v: [Double]) -> Double {
        guard v.count >= 2 else { return .nan }
        let m = meanOf(v)
        return v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)
    }

    static func sum(_ x: [Double], _ w: Int, _ p: Int) -> [Double] { each(x, w, p) { v, _ in v.reduce(0, +) } }
    static func mean(_ x: [Double], _ w: Int, _ p: Int) -> [Double] { each(x, w, p) { v, _ in meanOf(v) } }
    static func variance(_ x: [Double], _ w: Int, _ p: Int) -> [Double] { each(x, w, p) { v, _ in sampleVariance(v) } }
    static func std(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in sampleVariance(v).squareRoot() }
    }

    static func skew(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in
            let n = Double(v.count)
            let m2 = centralMoment(v, 2)
            guard v.count >= 3, m2 > 0 else { return .nan }
            return (n * (n - 1)).squareRoot() / (n - 2) * centralMoment(v, 3) / pow(m2, 1.5)
        }
    }

    static func kurt(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in
            let n = Double(v.count)
            let m2 = centralMoment(v, 2)
            guard v.count >= 4, m2 > 0 else { return .nan }
            let m4 = centralMoment(v, 4)
            return ((n * n - 1) * m4 / (m2 * m2) - 3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3))
        }
    }

    static func count(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        x.indices.map { i in rows(i, w).count >= p ? Double(values(x, i, w).count) : .nan }
    }

    static func maximum(_ x: [Double], _ w: Int, _ p: Int) -> [Double] { each(x, w, p) { v, _ in v.max() ?? .nan } }
    static func minimum(_ x: [Double], _ w: Int, _ p: Int) -> [Double] { each(x, w, p) { v, _ in v.min() ?? .nan } }

    /// numpy argmax/argmin on the raw window: the first NaN wins, otherwise the first extreme.
    static func idx(_ x: [Double], _ w: Int, _ p: Int, wantMax: Bool) -> [Double] {
        each(x, w, p) { _, i in
            let raw = rows(i, w).map { x[$0] }
            if let firstNaN = raw.firstIndex(where: { $0.isNaN }) { return Double(firstNaN + 1) }
            var best = 0
            for k in raw.indices where wantMax ? raw[k] > raw[best] : raw[k] < raw[best] { best = k }
            return Double(best + 1)
        }
    }

    static func quantile(_ x: [Double], _ w: Int, _ q: Double, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in
            let s = v.sorted()
            let pos = q * Double(s.count - 1)
            let lo = Int(pos.rounded(.down))
            if Double(lo) == pos { return s[lo] }
            return s[lo] + (s[lo + 1] - s[lo]) * (pos - Double(lo))
        }
    }

    static func median(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in
            let s = v.sorted()
            let n = s.count
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        }
    }

    static func rank(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, i in
            guard !x[i].isNaN else { return .nan }
            let less = v.filter { $0 < x[i] }.count
            let equal = v.filter { $0 == x[i] }.count
            return (Double(less + 1 + less + equal) / 2) / Double(v.count)
        }
    }

    static func mad(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, _ in
            let m = meanOf(v)
            return v.map { abs($0 - m) }.reduce(0, +) / Double(v.count)
        }
    }

    /// Pairs (position in window, value) of the non-NaN rows; positions are 1...w with the newest at w.
    static func positioned(_ x: [Double], _ i: Int, _ w: Int) -> [(Double, Double)] {
        rows(i, w).filter { !x[$0].isNaN }.map { (Double($0 - i + w), x[$0]) }
    }

    static func regression(_ pts: [(Double, Double)]) -> (slope: Double, sxx: Double, syy: Double, sxy: Double) {
        let n = Double(pts.count)
        let mt = pts.map(\.0).reduce(0, +) / n
        let my = pts.map(\.1).reduce(0, +) / n
        let sxx = pts.map { ($0.0 - mt) * ($0.0 - mt) }.reduce(0, +)
        let syy = pts.map { ($0.1 - my) * ($0.1 - my) }.reduce(0, +)
        let sxy = pts.map { ($0.0 - mt) * ($0.1 - my) }.reduce(0, +)
        return (sxy / sxx, sxx, syy, sxy)
    }

    static func slope(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, i in v.count < 2 ? .nan : regression(positioned(x, i, w)).slope }
    }

    static func rsquare(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, i in
            guard v.count >= 2, sampleVariance(v).squareRoot() > 2e-5 else { return .nan }
            let r = regression(positioned(x, i, w))
            return r.sxy * r.sxy / (r.sxx * r.syy)
        }
    }

    static func resi(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { v, i in
            guard v.count >= 2, !x[i].isNaN else { return .nan }
            let pts = positioned(x, i, w)
            let r = regression(pts)
            let mt = pts.map(\.0).reduce(0, +) / Double(pts.count)
            let my = pts.map(\.1).reduce(0, +) / Double(pts.count)
            return x[i] - (my + r.slope * (Double(w) - mt))
        }
    }

    /// Qlib: `w = arange(L) + 1; w /= w.sum(); nanmean(w * x)`.
    static func wma(_ x: [Double], _ w: Int, _ p: Int) -> [Double] {
        each(x, w, p) { _, i in
            let raw = rows(i, w).map { x[$0] }
            let total = Double(raw.count * (raw.count + 1) / 2)
            let terms = raw.enumerated().map { Double($0.offset + 1) / total * $0.element }.filter { !$0.isNaN }
            return terms.reduce(0, +) / Double(terms.count)
        }
    }

    static func pairs(_ x: [Double], _ y: [Double], _ i: Int, _ w: Int) -> [(Double, Double)] {
        rows(i, w).filter { !x[$0].isNaN && !y[$0].isNaN }.map { (x[$0], y[$0]) }
    }

    static func cov(_ x: [Double], _ y: [Double], _ w: Int, _ p: Int) -> [Double] {
        x.indices.map { i in
            let pr = pairs(x, y, i, w)
            guard pr.count >= p, pr.count >= 2 else { return .nan }
            let mx = pr.map(\.0).reduce(0, +) / Double(pr.count)
            let my = pr.map(\.1).reduce(0, +) / Double(pr.count)
            return pr.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +) / Double(pr.count - 1)
        }
    }

    static func corr(_ x: [Double], _ y: [Double], _ w: Int, _ p: Int) -> [Double] {
        x.indices.map { i in
            let pr = pairs(x, y, i, w)
            guard pr.count >= p, pr.count >= 2 else { return .nan }
            let sdX = sampleVariance(values(x, i, w)).squareRoot()
            let sdY = sampleVariance(values(y, i, w)).squareRoot()
            if sdX <= 2e-5 || sdY <= 2e-5 { return .nan }
            let mx = pr.map(\.0).reduce(0, +) / Double(pr.count)
            let my = pr.map(\.1).reduce(0, +) / Double(pr.count)
            let sxy = pr.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
            let sxx = pr.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
            let syy = pr.map { ($0.1 - my) * ($0.1 - my) }.reduce(0, +)
            guard sxx > 0, syy > 0 else { return .nan }
            return sxy / (sxx * syy).squareRoot()
        }
    }

    /// Direct weighted average Σ(1−α)^(k−j)·x_j / Σ(1−α)^(k−j) over non-NaN j <= k, where k is the last non-NaN
    /// row <= i (a NaN row repeats the previous value); NaN before the first value.
    static func ema(_ x: [Double], _ span: Int) -> [Double] {
        let decay = 1 - 2 / (Double(span) + 1)
        return x.indices.map { i in
            guard let k = (0...i).last(where: { !x[$0].isNaN }) else { return .nan }
            var num = 0.0
            var den = 0.0
            for j in 0...k where !x[j].isNaN {
                let wt = pow(decay, Double(k - j))
                num += wt * x[j]
                den += wt
            }
            return den > 0 ? num / den : .nan
        }
    }

    static func ref(_ x: [Double], _ shift: Int) -> [Double] {
        x.indices.map { i in
            if shift == 0 { return x[0] }
            let j = i - shift
            return j >= 0 && j < x.count ? x[j] : .nan
        }
    }
}
