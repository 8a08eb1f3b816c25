import Dispatch
import Foundation

/// Splits `0..<count` into chunks run on all cores (a panel's stocks or dates are independent).
public enum Parallel {
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on disjoint chunks of `0..<count` in parallel and returns when all are done.
    /// `body` may write through pointers it captures, to the cells of its own chunk only: that
    /// disjointness is what makes sharing it across threads safe.
    /// `chunksPerCore` trades scheduling overhead for balance: the last chunks of a pass run on
    /// fewer cores than there are.
    public static func forEachChunk(
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
