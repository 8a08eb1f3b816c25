/// Cross-sectional and time-series statistics that factor evaluation is built from, as pure
/// functions of arrays.
///
/// Each one follows a named reference (scipy, pandas, Numerical Recipes) so that a number from
/// StockSchool can be checked against the same computation in Python. NaN means missing: inputs
/// may contain it, and an output that cannot be computed is NaN rather than a made-up zero.
public enum Statistics {}
