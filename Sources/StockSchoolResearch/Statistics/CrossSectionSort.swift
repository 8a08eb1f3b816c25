/// Sorting of one date's cross-section of doubles (with the stock each came from), fast enough to
/// be done for every date of every factor.
///
/// Ranking every date's cross-section is the main cost of evaluating a factor: about 3,400 sorts
/// of 800 values per factor, with ~10 µs per sort to spend. Measured on 800 doubles, the standard
/// library's `sort(by:)` took ~8× and an equal-width bucket sort ~1.5× as long as this LSD
/// radix sort. It first tries a 16-bit key, the value's rounded position between the smallest
/// and the largest, packed with the entry's position into 32 bits and sorted in two byte-wide
/// counting passes, the second of which places the entries themselves. When a heavy tail crowds
/// many values into one such key, that run is sorted the same way again on keys spread over its
/// own range (up to three levels, four such runs a level). Beyond that it falls back to one 64-bit
/// word per value: the value's order-preserving `Float` key in the high half and its position in
/// the low half, sorted by the high half in four passes (passes where every key shares the byte
/// are skipped).
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
        /// A crowded run's entries, while the 16-bit path sorts them again into place.
        private let crowded: UnsafeMutablePointer<Entry>
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
            crowded = .allocate(capacity: self.capacity)
            histogram = .allocate(capacity: 4 * 256)
            shortWords = .allocate(capacity: self.capacity)
            shortSpare = .allocate(capacity: self.capacity)
            shortKeys = .allocate(capacity: self.capacity)
        }

        deinit {
            words.deallocate()
            spare.deallocate()
            sorted.deallocate()
            crowded.deallocate()
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
        /// Returns true when the values are known to be distinct (no ties), which the 16-bit
        /// path finds out while it orders its runs of shared keys; a caller can then skip looking
        /// for tie groups. False means they may tie.
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
        /// rounded, two counting passes, the second placing the entries into `output`. A run of
        /// equal keys holding more than 32 distinct values (the keys were too coarse there) is
        /// sorted again by this path over its own range, at `depth` + 1. Returns nil when that
        /// is not enough (`entries` is untouched either way), else whether the values are all
        /// distinct.
        private func shortKeySort(
            _ entries: UnsafeMutablePointer<Entry>, count: Int, low: Double, high: Double,
            into output: UnsafeMutablePointer<Entry>, depth: Int = 0
        ) -> Bool? {
            let scale = 65_535 / (high - low)
            guard (high - low).isFinite, scale.isFinite, scale > 0 else { return nil }
            let words = shortWords
            let spare = shortSpare
            let keys = shortKeys
            let histogram = self.histogram
            // Low byte at 0, high byte at 256 (even positions) and 512 (odd): clustered values
            // share a high byte, and one counter bumped by consecutive values made each wait on
            // the last one's store.
            histogram.initialize(repeating: 0, count: 768)
            // Adding 2⁵² + 2⁵¹ to x in [0, 65,535] leaves round(x) in the low bits of the sum:
            // a branch-free conversion (Swift's `Int(_:)` checks its range on every value).
            // Addition is monotone, so the keys keep the values' order.
            let magic = 6_755_399_441_055_744.0
            let magicBits = magic.bitPattern
            @inline(__always) func key(_ i: Int) -> UInt32 {
                UInt32(truncatingIfNeeded: ((entries[i].value - low) * scale + magic).bitPattern &- magicBits)
            }
            var i = 0
            while i &+ 1 < count {
                let (even, odd) = (key(i), key(i &+ 1))
                words[i] = even &<< 16 | UInt32(truncatingIfNeeded: i)
                words[i &+ 1] = odd &<< 16 | UInt32(truncatingIfNeeded: i &+ 1)
                histogram[Int(even & 255)] &+= 1
                histogram[Int(odd & 255)] &+= 1
                histogram[256 &+ Int(even &>> 8)] &+= 1
                histogram[512 &+ Int(odd &>> 8)] &+= 1
                i &+= 2
            }
            if i < count {
                let last = key(i)
                words[i] = last &<< 16 | UInt32(truncatingIfNeeded: i)
                histogram[Int(last & 255)] &+= 1
                histogram[256 &+ Int(last &>> 8)] &+= 1
            }
            // Each byte's counts become the first position of each digit.
            var lowByteStart = UInt32(0)
            var highByteStart = UInt32(0)
            for digit in 0..<256 {
                let (l, h) = (histogram[digit], histogram[256 &+ digit] &+ histogram[512 &+ digit])
                histogram[digit] = lowByteStart
                histogram[256 &+ digit] = highByteStart
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
                let digit = 256 &+ Int(word &>> 24)
                let position = histogram[digit]
                histogram[digit] = position &+ 1
                output[Int(position)] = entries[Int(word & 0xFFFF)]
                keys[Int(position)] = UInt16(truncatingIfNeeded: word &>> 16)
            }
            // With 800 values in 65,536 keys a few keys are shared on most dates (the birthday
            // bound): each run of them is put in exact order, and ties are looked for there only.
            var tied = false
            // Crowded runs wait until the walk is done: sorting one reuses the key buffers.
            var crowdedStarts = SIMD4<Int>()
            var crowdedEnds = SIMD4<Int>()
            var crowdedCount = 0
            var next = 1
            while next < count {
                guard keys[next] == keys[next &- 1] else {
                    next &+= 1
                    continue
                }
                let runStart = next &- 1
                var end = next &+ 1
                while end < count && keys[end] == keys[runStart] { end &+= 1 }
                if CrossSectionSort.order(output + runStart, end &- runStart, longestRun: 32) {
                    for j in next..<end where output[j].value == output[j &- 1].value { tied = true }
                } else {
                    guard depth < 2, crowdedCount < crowdedStarts.scalarCount else { return nil }
                    crowdedStarts[crowdedCount] = runStart
                    crowdedEnds[crowdedCount] = end
                    crowdedCount &+= 1
                }
                next = end &+ 1
            }
            for run in 0..<crowdedCount {
                let start = crowdedStarts[run]
                let length = crowdedEnds[run] &- start
                crowded.update(from: output + start, count: length)
                let (runLow, runHigh) = CrossSectionSort.range(crowded, count: length)
                guard
                    let distinct = shortKeySort(
                        crowded, count: length, low: runLow, high: runHigh, into: output + start, depth: depth &+ 1)
                else { return nil }
                tied = tied || !distinct
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

    /// The smallest and largest of `entries[0..<count]` (count ≥ 1, no NaN), in four
    /// independent chains so that the comparisons' latencies overlap. Which of −0 and +0 comes
    /// out when both occur may differ from a single chain; keys treat them alike.
    ///
    /// Spelled as `a < b ? a : b`, which compiles to one `minsd`: `pointwiseMin` on `SIMD4`
    /// compiled to compares and branches that handle NaN, a fifth of the sort's time.
    @inline(__always) static func range(_ entries: UnsafePointer<Entry>, count: Int) -> (Double, Double) {
        var (low0, low1, low2, low3) = (entries[0].value, entries[0].value, entries[0].value, entries[0].value)
        var (high0, high1, high2, high3) = (low0, low0, low0, low0)
        var i = 0
        while i &+ 4 <= count {
            let (v0, v1, v2, v3) = (
                entries[i].value, entries[i &+ 1].value, entries[i &+ 2].value, entries[i &+ 3].value
            )
            low0 = v0 < low0 ? v0 : low0
            low1 = v1 < low1 ? v1 : low1
            low2 = v2 < low2 ? v2 : low2
            low3 = v3 < low3 ? v3 : low3
            high0 = v0 > high0 ? v0 : high0
            high1 = v1 > high1 ? v1 : high1
            high2 = v2 > high2 ? v2 : high2
            high3 = v3 > high3 ? v3 : high3
            i &+= 4
        }
        while i < count {
            let v = entries[i].value
            low0 = v < low0 ? v : low0
            high0 = v > high0 ? v : high0
            i &+= 1
        }
        let low = min(min(low0, low1), min(low2, low3))
        let high = max(max(high0, high1), max(high2, high3))
        return (low, high)
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
