/// Sorting of one date's cross-section of doubles (with the stock each came from), fast enough to
/// be done for every date of every factor.
///
/// Ranking every date's cross-section is the main cost of evaluating a factor: about 3,400 sorts
/// of 800 values per factor, with ~10 µs per sort to spend. Measured on 800 doubles, the standard
/// library's `sort(by:)` took ~8× and an equal-width bucket sort ~1.5× as long as this LSD
/// radix sort. It first tries a 16-bit key, the value's rounded position between the smallest
/// and the largest, packed with the entry's position into 32 bits and sorted in two byte-wide
/// counting passes, the second of which places the entries themselves. When a heavy tail crowds
/// too many values into one such key, it falls back to one 64-bit word per value: the value's
/// order-preserving `Float` key in the high half and its position in the low half, sorted by the
/// high half in four passes (passes where every key shares the byte are skipped).
///
/// Both keys are monotone in the value, so the entries come out in numeric order except within
/// runs of values that share a key; those runs (rare, and short) are then put in exact
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
        /// The in-place `sort`'s output before it is copied back.
        private let sorted: UnsafeMutablePointer<Entry>
        private let histogram: UnsafeMutablePointer<UInt32>
        /// The 16-bit path's words (key << 16 | position) and each sorted entry's key.
        private let shortWords: UnsafeMutablePointer<UInt32>
        private let shortSpare: UnsafeMutablePointer<UInt32>
        private let shortKeys: UnsafeMutablePointer<UInt16>

        init(capacity: Int) {
            self.capacity = max(1, capacity)
            words = .allocate(capacity: self.capacity)
            spare = .allocate(capacity: self.capacity)
            sorted = .allocate(capacity: self.capacity)
            histogram = .allocate(capacity: 4 * 256)
            shortWords = .allocate(capacity: self.capacity)
            shortSpare = .allocate(capacity: self.capacity)
            shortKeys = .allocate(capacity: self.capacity)
        }

        deinit {
            words.deallocate()
            spare.deallocate()
            sorted.deallocate()
            histogram.deallocate()
            shortWords.deallocate()
            shortSpare.deallocate()
            shortKeys.deallocate()
        }

        /// Sorts `entries[0..<count]` by ascending value. Values must not be NaN; −0 and +0
        /// compare equal, as they should. `count` must not exceed `capacity` (a date never has
        /// more stocks than the panel).
        func sort(_ entries: UnsafeMutablePointer<Entry>?, count: Int) {
            guard let entries, count > 1 else { return }
            sort(entries, count: count, into: sorted)
            entries.update(from: sorted, count: count)
        }

        /// Writes `entries[0..<count]` into `output` in ascending order of value. `entries` is
        /// left as it was when `count` exceeds 32 (else sorted too); `output` must not overlap it.
        ///
        /// Returns true when the values are known to be distinct (no ties): the common case,
        /// seen for free by the 16-bit path, which lets a caller skip looking for tie groups.
        /// False means they may tie.
        @discardableResult
        func sort(_ entries: UnsafeMutablePointer<Entry>, count: Int, into output: UnsafeMutablePointer<Entry>) -> Bool
        {
            guard count > 1 else {
                if count == 1 { output[0] = entries[0] }
                return true
            }
            precondition(count <= capacity, "sort scratch holds \(capacity) values, asked for \(count)")
            if count <= 32 {
                CrossSectionSort.insertionSort(entries, count)
                output.update(from: entries, count: count)
                return false
            }
            let (low, high) = CrossSectionSort.range(entries, count: count)
            guard low < high else {  // all equal
                output.update(from: entries, count: count)
                return false
            }
            // Positions must fit the 16-bit word's low half.
            if count <= 1 << 16, let distinct = shortKeySort(entries, count: count, low: low, high: high, into: output)
            {
                return distinct
            }
            // A heavy tail crowded many values into one key: Float keys, four passes.
            floatKeySort(entries, count: count, into: output)
            return false
        }

        /// The 16-bit path: key = the value's position in [low, high] scaled to 0…65,535 and
        /// rounded, two counting passes, the second placing the entries into `output`. Returns
        /// nil when a run of equal keys holds more than 32 distinct values (the keys were too
        /// coarse; `entries` is untouched either way), else whether the values are all distinct.
        private func shortKeySort(
            _ entries: UnsafeMutablePointer<Entry>, count: Int, low: Double, high: Double,
            into output: UnsafeMutablePointer<Entry>
        ) -> Bool? {
            let scale = 65_535 / (high - low)
            guard (high - low).isFinite, scale.isFinite, scale > 0 else { return nil }
            let words = shortWords
            let spare = shortSpare
            let keys = shortKeys
            let histogram = self.histogram
            histogram.initialize(repeating: 0, count: 512)
            // Adding 2⁵² + 2⁵¹ to x in [0, 65,535] leaves round(x) in the low bits of the sum:
            // a branch-free conversion (Swift's `Int(_:)` checks its range on every value).
            // Addition is monotone, so the keys keep the values' order.
            let magic = 6_755_399_441_055_744.0
            let magicBits = magic.bitPattern
            for i in 0..<count {
                let rounded = ((entries[i].value - low) * scale + magic).bitPattern &- magicBits
                let key = UInt32(truncatingIfNeeded: rounded)
                words[i] = key &<< 16 | UInt32(truncatingIfNeeded: i)
                histogram[Int(key & 255)] &+= 1
                histogram[256 + Int(key &>> 8)] &+= 1
            }
            // Each byte's counts become the first position of each digit.
            var lowByteStart = UInt32(0)
            var highByteStart = UInt32(0)
            for digit in 0..<256 {
                let (l, h) = (histogram[digit], histogram[256 + digit])
                histogram[digit] = lowByteStart
                histogram[256 + digit] = highByteStart
                lowByteStart &+= l
                highByteStart &+= h
            }
            for i in 0..<count {
                let word = words[i]
                let digit = Int((word &>> 16) & 255)
                let position = histogram[digit]
                histogram[digit] = position &+ 1
                spare[Int(position)] = word
            }
            for i in 0..<count {
                let word = spare[i]
                let digit = 256 + Int(word &>> 24)
                let position = Int(histogram[digit])
                histogram[digit] = UInt32(position &+ 1)
                output[position] = entries[Int(word & 0xFFFF)]
                keys[position] = UInt16(truncatingIfNeeded: word &>> 16)
            }
            // Runs of equal keys are rare: look for one before walking them.
            var shared = false
            for i in 1..<count { shared = shared || keys[i] == keys[i - 1] }
            guard shared else { return true }
            // With 800 values in 65,536 keys a few keys are shared on most dates (the birthday
            // bound), so ties are looked for within those runs only, once they are in order.
            var tied = false
            var runStart = 0
            for i in 1...count where i == count || keys[i] != keys[runStart] {
                if i - runStart > 1 {
                    guard CrossSectionSort.order(output + runStart, i - runStart, longestRun: 32) else { return nil }
                    for j in (runStart + 1)..<i where output[j].value == output[j - 1].value { tied = true }
                }
                runStart = i
            }
            return !tied
        }

        /// The fallback path: `words` (Float key << 32 | position) radix-sorted by their high
        /// half in four byte-wide passes, then the entries placed into `output` in that order,
        /// each run of equal keys sorted exactly.
        private func floatKeySort(
            _ entries: UnsafeMutablePointer<Entry>, count: Int, into output: UnsafeMutablePointer<Entry>
        ) {
            let histogram = self.histogram
            let words = self.words
            for i in 0..<count { words[i] = CrossSectionSort.key(entries[i].value) << 32 | UInt64(i) }
            histogram.initialize(repeating: 0, count: 4 * 256)
            // Spelled out: a loop over the bytes per value (with Swift's checked shifts) cost a
            // quarter of the sort.
            for i in 0..<count {
                let key = words[i] &>> 32
                histogram[Int(key & 255)] &+= 1
                histogram[256 + Int((key &>> 8) & 255)] &+= 1
                histogram[512 + Int((key &>> 16) & 255)] &+= 1
                histogram[768 + Int((key &>> 24) & 255)] &+= 1
            }
            var source = words
            var target = spare
            for byte in 0..<4 {
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
            var runStart = 0
            var runKey = source[0] &>> 32
            for i in 0..<count {
                let word = source[i]
                output[i] = entries[Int(word & 0xFFFF_FFFF)]
                if word &>> 32 != runKey {
                    _ = CrossSectionSort.order(output + runStart, i - runStart, longestRun: .max)
                    runStart = i
                    runKey = word &>> 32
                }
            }
            _ = CrossSectionSort.order(output + runStart, count - runStart, longestRun: .max)
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
