/// The daily price-limit rule (涨跌停板) for one stock on one day.
///
/// Limits are a fraction of `pre_close`: main boards ±10%, ChiNext ±20% from 2020-08-24 (±10%
/// before), STAR ±20%, Beijing ±30%. Risk-warning (ST, *ST) names on the main board trade within
/// ±5%; on ChiNext and STAR the exchanges apply the board's own limit to ST names too, and we
/// follow the exchanges rather than the simpler "ST = 5%" folklore. New listings have no limit on
/// their first days (5 days on ChiNext/STAR after the reforms, 1 day on the main board and BSE).
public struct PriceLimit: Sendable, Equatable {
    /// The limit as a fraction (0.1 = ±10%); `nil` when the day has no limit.
    public let ratio: Double?

    public init(ratio: Double?) { self.ratio = ratio }

    public init(
        board: Board, isST: Bool, tradeDate: TradeDate, tradingDaysSinceListing: Int? = nil
    ) {
        if let days = tradingDaysSinceListing, days < Self.unlimitedDays(board: board, tradeDate: tradeDate) {
            self.ratio = nil
            return
        }
        switch board {
        case .main:
            self.ratio = isST ? 0.05 : 0.10
        case .chiNext:
            if tradeDate >= Board.chiNextReformDate {
                self.ratio = 0.20
            } else {
                self.ratio = isST ? 0.05 : 0.10
            }
        case .star:
            self.ratio = 0.20
        case .bse:
            self.ratio = 0.30
        }
    }

    /// How many first trading days (day 0 = listing day) trade without a limit.
    public static func unlimitedDays(board: Board, tradeDate: TradeDate) -> Int {
        switch board {
        case .star: 5
        case .chiNext: tradeDate >= Board.chiNextReformDate ? 5 : 1
        case .main, .bse: 1
        }
    }

    /// The limit-up price: `pre_close × (1 + ratio)` rounded half-up to the fen, as the exchanges
    /// publish it. `nil` without a limit.
    public func limitUp(preClose: Double) -> Double? {
        ratio.map { Self.roundToFen(preClose * (1 + $0)) }
    }

    /// The limit-down price, rounded the same way.
    public func limitDown(preClose: Double) -> Double? {
        ratio.map { Self.roundToFen(preClose * (1 - $0)) }
    }

    /// Whether `price` lies inside the band (prices are quoted in fen, so the band's edges are
    /// themselves valid prices).
    public func allows(price: Double, preClose: Double) -> Bool {
        guard let up = limitUp(preClose: preClose), let down = limitDown(preClose: preClose) else {
            return true
        }
        return price <= up + 1e-9 && price >= down - 1e-9
    }

    /// Rounds half-up to 0.01 CNY. The small bias guards against binary representations such as
    /// 10.045 = 10.04499999….
    public static func roundToFen(_ price: Double) -> Double {
        (price * 100 + 0.5 + 1e-7).rounded(.down) / 100
    }
}
