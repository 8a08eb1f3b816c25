/// Decides, from one date's scores, which held names to sell and which new names to buy.
///
/// This runs on every rebalance day over the whole market, so it is built for that: the best n
/// come from a bounded heap (O(stocks · log n), no sort of 5,000 scores), and every buffer is
/// allocated once and reused. Scores are compared best first, ties broken by ts_code order, and a
/// NaN score never makes a name a candidate (a held name without a score ranks below every
/// scored one, so it is the first to go).
struct PortfolioSelector {
    /// Each stock's position in ts_code order, for breaking ties.
    let codeRank: [Int32]
    private var heap: [Int] = []
    private var mark: [Bool]

    init(codeRank: [Int32]) {
        self.codeRank = codeRank
        mark = [Bool](repeating: false, count: codeRank.count)
    }

    /// Whether `a` ranks before `b`.
    @inline(__always) func better(_ a: Int, _ b: Int, _ scores: UnsafeBufferPointer<Double>) -> Bool {
        let sa = scores[a].isNaN ? -Double.infinity : scores[a]
        let sb = scores[b].isNaN ? -Double.infinity : scores[b]
        return sa > sb || (sa == sb && codeRank[a] < codeRank[b])
    }

    /// The best `count` stocks with a score, best first, into `result`; stocks in `excluded` (held
    /// names, for Qlib's `today`) are skipped.
    mutating func best(
        _ count: Int, _ scores: UnsafeBufferPointer<Double>, excluding excluded: [Int] = [], into result: inout [Int]
    ) {
        result.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        for stock in excluded { mark[stock] = true }
        defer { for stock in excluded { mark[stock] = false } }
        heap.removeAll(keepingCapacity: true)
        // A min-heap on rank: the root is the worst of the best so far, the one a newcomer must beat.
        // `floor` is the root's score once the heap is full: most stocks fall below it and are
        // dismissed by one comparison, without the tie-breaking lookup.
        var floor = -Double.infinity
        for stock in 0..<scores.count {
            let score = scores[stock]
            guard score >= floor, !mark[stock] else { continue }  // NaN fails `>=` too
            if heap.count < count {
                heap.append(stock)
                siftUp(heap.count - 1, scores)
                if heap.count == count { floor = scores[heap[0]] }
            } else if better(stock, heap[0], scores) {
                heap[0] = stock
                siftDown(0, scores)
                floor = scores[heap[0]]
            }
        }
        result.append(contentsOf: heap)
        result.sort { better($0, $1, scores) }
    }

    /// Top-n: the target is the best `n`; sell the held names outside it, buy the target names not
    /// held (best first).
    mutating func topN(
        _ n: Int, _ scores: UnsafeBufferPointer<Double>, held: [Int], sells: inout [Int], buys: inout [Int]
    ) {
        best(n, scores, into: &buys)
        for stock in buys { mark[stock] = true }
        sells.removeAll(keepingCapacity: true)
        for stock in held where !mark[stock] { sells.append(stock) }
        for stock in buys { mark[stock] = false }
        for stock in held { mark[stock] = true }
        buys.removeAll { mark[$0] }
        for stock in held { mark[stock] = false }
    }

    /// Qlib's `TopkDropoutStrategy.generate_trade_decision`:
    /// `last` = held sorted by score (best first); `today` = the best `drop + k − len(last)` names
    /// not held; `comb` = `last ∪ today` sorted by score; sell = the held names among the lowest
    /// `drop` of `comb`; buy = `today[..< len(sell) + k − len(last)]`.
    mutating func topKDropout(
        k: Int, drop: Int, _ scores: UnsafeBufferPointer<Double>, held: [Int], sells: inout [Int],
        buys: inout [Int]
    ) {
        let last = held.sorted { better($0, $1, scores) }
        var today: [Int] = []
        best(Swift.max(0, drop + k - last.count), scores, excluding: held, into: &today)
        let comb = (last + today).sorted { better($0, $1, scores) }
        for stock in comb.suffix(drop) { mark[stock] = true }
        sells.removeAll(keepingCapacity: true)
        for stock in last where mark[stock] { sells.append(stock) }
        for stock in comb.suffix(drop) { mark[stock] = false }
        buys.removeAll(keepingCapacity: true)
        buys.append(contentsOf: today.prefix(Swift.max(0, sells.count + k - last.count)))
    }

    private mutating func siftUp(_ start: Int, _ scores: UnsafeBufferPointer<Double>) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard better(heap[parent], heap[child], scores) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int, _ scores: UnsafeBufferPointer<Double>) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1
            let right = left + 1
            if left < heap.count, better(heap[worst], heap[left], scores) { worst = left }
            if right < heap.count, better(heap[worst], heap[right], scores) { worst = right }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
