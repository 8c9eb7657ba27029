/// Reads a `text/event-stream` body in whatever pieces it arrives and reports the two lines the
/// bench cares about: `retry:` (the stream is established) and `id: <n>` (an event arrived).
/// Only the first bytes of each line are kept: `data:` lines can be long and are never needed whole.
struct SSEStreamReader {
    enum Line: Equatable {
        case retry
        case id(Int64)
    }

    private static let keep = 32
    private var head: [UInt8] = []

    init() { head.reserveCapacity(Self.keep) }

    /// Feeds a piece of the body; calls `found` for each complete interesting line, in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ found: (Line) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let line = Self.classify(head) { found(line) }
                head.removeAll(keepingCapacity: true)
            } else if head.count < Self.keep {
                head.append(byte)
            }
        }
    }

    static func classify(_ line: [UInt8]) -> Line? {
        if line.starts(with: retryPrefix) { return .retry }
        guard line.starts(with: idPrefix), line.count > idPrefix.count else { return nil }
        var value: Int64 = 0
        for byte in line.dropFirst(idPrefix.count) {
            if byte == UInt8(ascii: "\r") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), value < Int64.max / 10 - 9 else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return .id(value)
    }

    private static let retryPrefix = Array("retry:".utf8)
    private static let idPrefix = Array("id: ".utf8)
}
