import Foundation

extension Statistics {
    /// Two-sided p-value of Student's t statistic `t` with `degreesOfFreedom` degrees of freedom:
    /// P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2), the regularized incomplete beta function.
    ///
    /// This is what scipy's `ttest_1samp` reports for "mean IC ≠ 0". NaN for NaN input or
    /// `degreesOfFreedom ≤ 0`; an infinite `t` gives 0.
    public static func studentTTwoSidedPValue(t: Double, degreesOfFreedom: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0, !degreesOfFreedom.isNaN else { return .nan }
        if t.isInfinite { return 0 }
        let x = degreesOfFreedom / (degreesOfFreedom + t * t)
        return max(0, min(1, regularizedIncompleteBeta(x: x, a: degreesOfFreedom / 2, b: 0.5)))
    }

    /// The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, by the
    /// continued fraction of Numerical Recipes (§6.4) evaluated with the modified Lentz method.
    ///
    /// The fraction converges fast for x < (a+1)/(a+b+2); beyond that the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) is used. Convergence takes O(√max(a, b)) steps, so the
    /// iteration cap is generous enough for the degrees of freedom of decades of daily data.
    public static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 || x == 1 { return x }
        // x^a (1−x)^b / (a B(a, b)), in logs to survive large a and b.
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(x: 1 - x, a: b, b: a) / b
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes' `betacf`), by modified Lentz.
    private static func betaContinuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-15
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for step in 1...100_000 {
            let m = Double(step)
            let m2 = 2 * m
            // Even step of the fraction.
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
