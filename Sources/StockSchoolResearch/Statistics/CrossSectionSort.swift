/// Sorting of one date's cross-section of doubles (with the stock each came from), fast enough to
/// be done for every date of every factor.
///
/// Ranking every date's cross-section is the main cost of evaluating a factor: about 3,400 sorts
/// of 800 values per factor, with ~10 µs per sort to spend. Measured on 800 doubles, the standard
/// library's `sort(by:)` took ~8× and an equal-width bucket sort ~1.5× as long as this LSD
/// radix sort, which works on one 64-bit word per value: the value's order-preserving `Float`
/// key in the high half and its position in the low half, sorted by the high half in four
/// byte-wide counting passes (passes where every key shares the byte are skipped).
///
/// Rounding to `Float` is monotone, so the words come out in numeric order except within runs of
/// values that round to the same `Float`; those runs (rare, and short) are then put in exact
/// order by comparing the doubles, so the result is exactly the numeric order and equal values
/// stay equal: ties still tie. A run of exactly equal values (a coarse factor's ties) needs no
/// sorting, however long, and stays in input order, as the stable passes left it.
enum CrossSectionSort {
    /// A value and the stock it belongs to.
    struct Entry {
        var value: Double
        var index: UInt32
    }

    /// Calls `body` with each run of equal values in sorted `entries` and the 1-based average
    /// rank that run shares.
    @inline(__always) static func forEachTieGroup(
        _ entries: UnsafePointer<Entry>?, count: Int, _ body: (Range<Int>, Double) -> Void
    ) {
        guard let entries else { return }
        var start = 0
        while start < count {
            let value = entries[start].value
            var end = start + 1
            while end < count && entries[end].value == value { end += 1 }
            body(start..<end, Double(start + 1 + end) * 0.5)
            start = end
        }
    }

    /// A 32-bit key whose unsigned order follows the numeric order of `value` (not NaN) after
    /// rounding to `Float`: positives get the sign bit set, negatives have all bits flipped.
    @inline(__always) static func key(_ value: Double) -> UInt64 {
        let bits = Float(value).bitPattern
        let ordered = bits >> 31 == 1 ? ~bits : bits | (1 << 31)
        return UInt64(ordered == 0x7FFF_FFFF ? 0x8000_0000 : ordered)  // −0 sorts with +0
    }

    /// Buffers one sorting thread reuses across dates, so sorting allocates nothing.
    final class Scratch {
        let capacity: Int
        private let words: UnsafeMutablePointer<UInt64>
        private let spare: UnsafeMutablePointer<UInt64>
        private let sorted: UnsafeMutablePointer<Entry>
        private let histogram: UnsafeMutablePointer<UInt32>

        init(capacity: Int) {
            self.capacity = max(1, capacity)
            words = .allocate(capacity: self.capacity)
            spare = .allocate(capacity: self.capacity)
            sorted = .allocate(capacity: self.capacity)
            histogram = .allocate(capacity: 4 * 256)
        }

        deinit {
            words.deallocate()
            spare.deallocate()
            sorted.deallocate()
            histogram.deallocate()
        }

        /// Sorts `entries[0..<count]` by ascending value. Values must not be NaN; −0 and +0
        /// compare equal, as they should. `count` must not exceed `capacity` (a date never has
        /// more stocks than the panel).
        func sort(_ entries: UnsafeMutablePointer<Entry>?, count: Int) {
            guard let entries, count > 1 else { return }
            precondition(count <= capacity, "sort scratch holds \(capacity) values, asked for \(count)")
            if count <= 32 { return CrossSectionSort.insertionSort(entries, count) }
            let (low, high) = CrossSectionSort.range(entries, count: count)
            guard low < high else { return }  // all equal: any order is sorted
            // First try 16-bit keys on the value's position within [low, high]: two passes.
            let scale = 65_535 / (high - low)
            if (high - low).isFinite, scale.isFinite, scale > 0 {
                let words = self.words
                for i in 0..<count {
                    // In 0...65_535, so the signed conversion (one instruction) is exact.
                    words[i] = UInt64(Int((entries[i].value - low) * scale)) << 32 | UInt64(i)
                }
                if radixAndFinish(entries, count: count, firstByte: 0, bytes: 2, longestRun: 32) { return }
            }
            // A heavy tail crowded many values into one key: Float keys, four passes.
            for i in 0..<count { words[i] = CrossSectionSort.key(entries[i].value) << 32 | UInt64(i) }
            _ = radixAndFinish(entries, count: count, firstByte: 0, bytes: 4, longestRun: .max)
        }

        /// Radix-sorts `words` by `bytes` bytes of their high half, then puts `entries` in that
        /// order, sorting runs of equal keys exactly. Returns false, leaving `entries` alone, when
        /// a run is longer than `longestRun` (the keys were too coarse).
        private func radixAndFinish(
            _ entries: UnsafeMutablePointer<Entry>, count: Int, firstByte: Int, bytes: Int, longestRun: Int
        ) -> Bool {
            let histogram = self.histogram
            let words = self.words
            histogram.initialize(repeating: 0, count: bytes * 256)
            // The two widths in use, spelled out: a loop over `bytes` per value (with Swift's
            // checked shifts) cost a quarter of the sort.
            if bytes == 2 {
                for i in 0..<count {
                    let key = words[i] &>> 32
                    histogram[Int(key & 255)] &+= 1
                    histogram[256 + Int((key &>> 8) & 255)] &+= 1
                }
            } else {
                for i in 0..<count {
                    let key = words[i] &>> 32
                    histogram[Int(key & 255)] &+= 1
                    histogram[256 + Int((key &>> 8) & 255)] &+= 1
                    histogram[512 + Int((key &>> 16) & 255)] &+= 1
                    histogram[768 + Int((key &>> 24) & 255)] &+= 1
                }
            }
            var source = words
            var target = spare
            for byte in 0..<bytes {
                let shift = UInt64(32 + 8 * byte)
                let counts = histogram + 256 * byte
                if counts[Int((words[0] &>> shift) & 255)] == count { continue }  // all share it
                var sum: UInt32 = 0
                for digit in 0..<256 {
                    let c = counts[digit]
                    counts[digit] = sum
                    sum &+= c
                }
                for i in 0..<count {
                    let word = source[i]
                    let digit = Int((word &>> shift) & 255)
                    let position = Int(counts[digit])
                    counts[digit] = UInt32(position + 1)
                    target[position] = word
                }
                swap(&source, &target)
            }
            // Entries in key order; each run of equal keys is put in exact order as it ends.
            let sorted = self.sorted
            var runStart = 0
            var runKey = source[0] &>> 32
            for i in 0..<count {
                let word = source[i]
                sorted[i] = entries[Int(word & 0xFFFF_FFFF)]
                if word &>> 32 != runKey {
                    guard CrossSectionSort.order(sorted + runStart, i - runStart, longestRun: longestRun) else {
                        return false
                    }
                    runStart = i
                    runKey = word &>> 32
                }
            }
            guard CrossSectionSort.order(sorted + runStart, count - runStart, longestRun: longestRun) else {
                return false
            }
            entries.update(from: sorted, count: count)
            return true
        }
    }

    /// Sorts a run of `count` entries that share a key by their exact values. A run of equal
    /// values (ties, as in a coarse factor) is left in the order it came, however long; another
    /// run longer than `longestRun` means the keys were too coarse: false.
    @inline(__always) static func order(_ run: UnsafeMutablePointer<Entry>, _ count: Int, longestRun: Int) -> Bool {
        guard count > 1 else { return true }
        let first = run[0].value
        var allEqual = true
        for i in 1..<count where run[i].value != first {
            allEqual = false
            break
        }
        if allEqual { return true }
        if count > longestRun { return false }
        if count > 32 {
            var buffer = UnsafeMutableBufferPointer(start: run, count: count)
            buffer.sort { $0.value < $1.value }
        } else {
            insertionSort(run, count)
        }
        return true
    }

    /// The smallest and largest of `entries[0..<count]` (count ≥ 1), in four independent
    /// chains so that the comparisons' latencies overlap. Which of −0 and +0 comes out when both
    /// occur may differ from a single chain; keys treat them alike.
    @inline(__always) static func range(_ entries: UnsafePointer<Entry>, count: Int) -> (Double, Double) {
        var low = SIMD4(repeating: entries[0].value)
        var high = low
        var i = 0
        while i + 4 <= count {
            let values = SIMD4(entries[i].value, entries[i + 1].value, entries[i + 2].value, entries[i + 3].value)
            low = pointwiseMin(low, values)
            high = pointwiseMax(high, values)
            i += 4
        }
        while i < count {
            low[0] = min(low[0], entries[i].value)
            high[0] = max(high[0], entries[i].value)
            i += 1
        }
        return (low.min(), high.max())
    }

    @inline(__always) static func insertionSort(_ entries: UnsafeMutablePointer<Entry>, _ count: Int) {
        for i in 1..<count {
            let entry = entries[i]
            var j = i
            while j > 0 && entries[j - 1].value > entry.value {
                entries[j] = entries[j - 1]
                j -= 1
            }
            entries[j] = entry
        }
    }
}
