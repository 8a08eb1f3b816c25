import Dispatch
import Foundation

/// Splits `0..<count` into chunks run on all cores (dates of a cross-sectional evaluation are
/// independent), like `StockSchoolFactors`' internal helper of the same shape.
enum Concurrent {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on disjoint chunks of `0..<count` in parallel and returns when all are done.
    /// `body` may write through pointers it captures, to the cells of its own chunk only: that
    /// disjointness is what makes sharing it across threads safe.
    static func forEachChunk(
        _ count: Int, minimumChunk: Int = 16, chunksPerCore: Int = 4, _ body: (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunks = max(1, min(cores * chunksPerCore, count / max(1, minimumChunk)))
        if chunks == 1 { return body(0..<count) }
        withoutActuallyEscaping(body) { body in
            let shared = DisjointWrites(body: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                shared.body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            }
        }
    }

    private struct DisjointWrites: @unchecked Sendable {
        // @unchecked: each concurrent call gets a disjoint range (see `forEachChunk`).
        let body: (Range<Int>) -> Void
    }
}

/// A pointer that may be shared with `Concurrent.forEachChunk` bodies writing disjoint cells.
struct SharedPointer<Element>: @unchecked Sendable {
    // @unchecked: callers write disjoint cells only (one date's or one stock's), see above.
    let base: UnsafeMutablePointer<Element>
    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

extension Array {
    /// An array of `count` copies of `fill` that `body` then writes through a shareable pointer
    /// (for filling disjoint parts from `Concurrent.forEachChunk`).
    static func filled(count: Int, with fill: Element, _ body: (SharedPointer<Element>) -> Void) -> [Element] {
        var array = [Element](repeating: fill, count: count)
        array.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { body(SharedPointer(base: base)) }
        }
        return array
    }
}
