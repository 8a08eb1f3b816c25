extension EvaluationPass {
    /// Everything about one date that needs only that date: coverage, the factor's ranks and
    /// quantiles within V, IC, RankIC and quantile returns, for every horizon.
    ///
    /// The factor is sorted once. Horizons whose tradable set equals the previous horizon's
    /// (all of them, except near the panel's end) share V, and so the ranks and labels.
    func firstPass(date: Int, factorRow: UnsafeMutablePointer<Double>, _ w: Workspace, _ out: Outputs) {
        let stocks = crossSections.stockCount
        let dates = crossSections.dateCount
        let traded = crossSections.traded + date * stocks
        var finite = 0
        var tradedCount = 0
        var covered = 0
        for stock in 0..<stocks {
            let value = factorRow[stock]
            let wasTraded = Int(traded[stock])
            tradedCount += wasTraded
            if value.isFinite {
                w.entries[finite] = CrossSectionSort.Entry(value: value, index: UInt32(stock))
                finite += 1
                covered += wasTraded
            } else {
                factorRow[stock] = .nan  // ±∞ is missing too; later tests need only isNaN
            }
        }
        out.tradedCount[date] = Int32(tradedCount)
        out.coveredCount[date] = Int32(covered)
        w.sorter.sort(w.entries, count: finite)

        var leader = 0
        var valid = 0
        var usable = false
        var fullCover = false
        for k in horizons.indices {
            let slot = k * dates + date
            let row = slot * stocks
            let returns = crossSections.returns + row
            if k == 0 || crossSections.sameSetAsPrevious[slot] == 0 {
                leader = k
                valid = 0
                for i in 0..<finite {
                    let entry = w.entries[i]
                    if !returns[Int(entry.index)].isNaN {
                        w.valid[valid] = entry
                        valid += 1
                    }
                }
                usable = valid >= minimumStocks
                fullCover = valid == Int(crossSections.tradable[slot])
                let packedRow = out.packed + row
                packedRow.initialize(repeating: 0, count: stocks)
                if usable { rankAndCut(valid: valid, packedRow: packedRow, w) }
            }
            out.leader[slot] = UInt8(leader)
            out.counts[slot] = Int32(valid)
            guard usable else { continue }
            let returnRanks: UnsafePointer<Float>
            if fullCover {
                returnRanks = UnsafePointer(crossSections.ranks + row)
            } else {
                rankReturnsWithinValid(row: row, slot: slot, factorRow: factorRow, w)
                returnRanks = UnsafePointer(w.returnRanks)
            }
            correlateAndGroup(slot: slot, valid: valid, returns: returns, returnRanks: returnRanks, w, out)
        }
    }

    /// Average ranks of the factor within V and pandas-`qcut` labels, into the workspace and the
    /// date's packed row.
    private func rankAndCut(valid: Int, packedRow: UnsafeMutablePointer<UInt32>, _ w: Workspace) {
        CrossSectionSort.forEachTieGroup(w.valid, count: valid) { range, rank in
            for position in range { w.validRanks[position] = rank }
        }
        Statistics.quantileEdges(count: valid, quantiles: quantiles, into: w.edges) { w.valid[$0].value }
        // Values ascend, so the number of edges strictly below the value only grows, and each
        // quantile is a contiguous range of positions: quantile q ends at `groupEnds[q]`.
        var below = 0
        for q in 0...quantiles { w.groupEnds[q] = 0 }
        for i in 0..<valid {
            let value = w.valid[i].value
            while below <= quantiles && w.edges[below] < value { below += 1 }
            let label = max(1, below)
            w.groupEnds[label] = i + 1
            packedRow[Int(w.valid[i].index)] = UInt32(w.validRanks[i] * 2) << 8 | UInt32(label)
        }
        for q in 1...quantiles { w.groupEnds[q] = max(w.groupEnds[q], w.groupEnds[q - 1]) }
    }

    /// Ranks of the returns within V when V is smaller than the tradable set: the precomputed
    /// return order, walked without the stocks that lack a factor value.
    private func rankReturnsWithinValid(row: Int, slot: Int, factorRow: UnsafePointer<Double>, _ w: Workspace) {
        let order = crossSections.order + row
        let returns = crossSections.returns + row
        var count = 0
        for j in 0..<Int(crossSections.tradable[slot]) {
            let stock = order[j]
            if !factorRow[Int(stock)].isNaN {
                w.tieEntries[count] = CrossSectionSort.Entry(value: returns[Int(stock)], index: stock)
                count += 1
            }
        }
        CrossSectionSort.forEachTieGroup(w.tieEntries, count: count) { range, rank in
            for position in range { w.returnRanks[Int(w.tieEntries[position].index)] = Float(rank) }
        }
    }

    /// IC, RankIC and demeaned quantile returns of one horizon on one date.
    ///
    /// The factor is centred on its median before summing so the one-pass sums keep their
    /// precision when the factor's level dwarfs its spread; ranks are centred on (n + 1)/2,
    /// their exact mean.
    private func correlateAndGroup(
        slot: Int, valid: Int, returns: UnsafePointer<Double>, returnRanks: UnsafePointer<Float>, _ w: Workspace,
        _ out: Outputs
    ) {
        let pivot = w.valid[valid / 2].value
        let middle = Double(valid + 1) / 2
        var sf = 0.0
        var sff = 0.0
        var sr = 0.0
        var srr = 0.0
        var sfr = 0.0
        var sa = 0.0
        var saa = 0.0
        var sb = 0.0
        var sbb = 0.0
        var sab = 0.0
        for q in 1...quantiles {
            var groupSum = 0.0
            for i in w.groupEnds[q - 1]..<w.groupEnds[q] {
                let entry = w.valid[i]
                let stock = Int(entry.index)
                let f = entry.value - pivot
                let r = returns[stock]
                let a = w.validRanks[i] - middle
                let b = Double(returnRanks[stock]) - middle
                sf += f
                sff += f * f
                groupSum += r
                srr += r * r
                sfr += f * r
                sa += a
                saa += a * a
                sb += b
                sbb += b * b
                sab += a * b
            }
            w.sums[q] = groupSum
            sr += groupSum
        }
        let n = Double(valid)
        out.ic[slot] = Statistics.correlation(sxy: sfr - sf * sr / n, sxx: sff - sf * sf / n, syy: srr - sr * sr / n)
        out.rankIC[slot] = Statistics.correlation(
            sxy: sab - sa * sb / n, sxx: saa - sa * sa / n, syy: sbb - sb * sb / n)
        let mean = sr / n
        let dates = crossSections.dateCount
        let k = slot / dates
        let date = slot - k * dates
        for q in 1...quantiles where w.groupEnds[q] > w.groupEnds[q - 1] {
            let index = (k * quantiles + q - 1) * dates + date
            let members = w.groupEnds[q] - w.groupEnds[q - 1]
            out.quantileReturns[index] = w.sums[q] / Double(members) - mean
            out.quantileCounts[index] = Int32(members)
        }
    }
}
