/// How a score model weights its factors on each date.
///
/// IC and ICIR weights come from a trailing window of daily RankICs that were already realised on
/// that date: the IC of date s at horizon h is known only once its forward return is, h trade
/// dates later (h + 1 under the T+1 label), and weights never use anything newer.
public enum ScoreWeighting: String, CaseIterable, Sendable, Codable {
    /// 1/n each: the factors are taken as oriented (higher is better) by whoever chose them.
    case equal
    /// Mean RankIC over the window, normalised so the absolute weights sum to 1; a factor with a
    /// negative mean IC gets a negative weight (its direction is learned).
    case ic
    /// Mean RankIC / its standard deviation (the IC information ratio), normalised the same way:
    /// factors that predict steadily count more than ones that predict loudly and rarely.
    case icir
}
