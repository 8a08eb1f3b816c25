/// The exchange's open days in order: what "the next trading day" and "20 trading days ago" mean.
///
/// Built from `trade_cal` rows (or any sorted list of open dates). Lookups are binary searches
/// over a contiguous array, so a calendar of 35 years costs a few hundred kilobytes and a lookup a
/// dozen comparisons.
public struct TradingCalendar: Sendable, Equatable {
    /// Open days, strictly increasing.
    public let openDays: [TradeDate]

    public init<S: Sequence>(openDays: S) where S.Element == TradeDate {
        self.openDays = Array(Set(openDays)).sorted()
    }

    /// Weekdays in `start...end` minus `holidays`: the shape of the real SSE calendar when the
    /// holiday list is the exchange's.
    public init(weekdaysFrom start: TradeDate, through end: TradeDate, holidays: Set<TradeDate>) {
        var days: [TradeDate] = []
        var day = start.daysSinceEpoch
        let last = end.daysSinceEpoch
        while day <= last {
            let date = TradeDate(daysSinceEpoch: day)
            if !date.isWeekend, !holidays.contains(date) { days.append(date) }
            day += 1
        }
        self.openDays = days
    }

    public var count: Int { openDays.count }
    public var first: TradeDate? { openDays.first }
    public var last: TradeDate? { openDays.last }

    public func isOpen(_ date: TradeDate) -> Bool { index(of: date) != nil }

    /// The position of `date` if it is an open day.
    public func index(of date: TradeDate) -> Int? {
        let i = lowerBound(date)
        return i < openDays.count && openDays[i] == date ? i : nil
    }

    /// The first open day on or after `date`.
    public func onOrAfter(_ date: TradeDate) -> TradeDate? {
        let i = lowerBound(date)
        return i < openDays.count ? openDays[i] : nil
    }

    /// The last open day on or before `date`.
    public func onOrBefore(_ date: TradeDate) -> TradeDate? {
        let i = upperBound(date)
        return i > 0 ? openDays[i - 1] : nil
    }

    /// The open day before `date` (Tushare's `pretrade_date`), whether or not `date` is open.
    public func previous(_ date: TradeDate) -> TradeDate? {
        let i = lowerBound(date)
        return i > 0 ? openDays[i - 1] : nil
    }

    /// The open day after `date`.
    public func next(_ date: TradeDate) -> TradeDate? {
        let i = upperBound(date)
        return i < openDays.count ? openDays[i] : nil
    }

    /// `n` open days after (or before, for negative `n`) the open day `date`; `nil` when that
    /// leaves the calendar. Throws if `date` itself is not open.
    public func advance(_ date: TradeDate, by n: Int) throws(StockSchoolError) -> TradeDate? {
        guard let i = index(of: date) else { throw .dateOutsideCalendar(date) }
        let j = i + n
        return j >= 0 && j < openDays.count ? openDays[j] : nil
    }

    /// Trading days from `a` to `b` (positive when `b` is later); both must be open.
    public func distance(from a: TradeDate, to b: TradeDate) throws(StockSchoolError) -> Int {
        guard let i = index(of: a) else { throw .dateOutsideCalendar(a) }
        guard let j = index(of: b) else { throw .dateOutsideCalendar(b) }
        return j - i
    }

    /// Open days in `start...end`.
    public func days(from start: TradeDate, through end: TradeDate) -> ArraySlice<TradeDate> {
        let lo = lowerBound(start)
        let hi = upperBound(end)
        return lo < hi ? openDays[lo..<hi] : []
    }

    private func lowerBound(_ date: TradeDate) -> Int { openDays.lowerBound(of: date) }

    private func upperBound(_ date: TradeDate) -> Int { openDays.upperBound(of: date) }
}
