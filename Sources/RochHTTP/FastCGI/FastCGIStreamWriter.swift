import NIOCore

/// A FastCGI request's output: each write becomes STDOUT records, flushed at once; a write waits
/// only while the client is behind (BoundedChannelWriter).
final class FastCGIStreamWriter: StreamWriter, @unchecked Sendable {
    private let channel: Channel
    private let requestId: UInt16
    private let output: BoundedChannelWriter

    init(channel: Channel, requestId: UInt16) {
        self.channel = channel
        self.requestId = requestId
        self.output = BoundedChannelWriter(channel: channel)
    }

    var isClosed: Bool { output.hasFailed || !channel.isActive }

    /// The web server aborted the request or the connection closed: the stream's next write fails.
    func markClosed() { output.fail() }

    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        guard !isClosed else { throw CancellationError() }
        var buffer = channel.allocator.buffer(capacity: FastCGIRecord.framedSize(bytes.count))
        buffer.writeFastCGIStream(.stdout, requestId: requestId, bytes)
        try await output.write(buffer, size: buffer.readableBytes)
    }

    /// Bytes that are already whole records (the response head).
    func writeRaw(_ records: [UInt8]) async throws {
        try await output.write(channel.allocator.buffer(bytes: records), size: records.count)
    }
}

extension FastCGIRecord {
    /// Bytes on the wire for a stream of `count` bytes: a header and padding per record of up to 65535.
    static func framedSize(_ count: Int) -> Int {
        let records = (count + maxContentLength - 1) / maxContentLength
        return count + records * 15
    }
}

extension ByteBuffer {
    /// Appends `bytes` as records of `type` (what `FastCGIRecord.stream` returns), with no copy in between.
    mutating func writeFastCGIStream(_ type: FastCGIRecord.RecordType, requestId: UInt16, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let length = Swift.min(FastCGIRecord.maxContentLength, all.count - offset)
                let padding = (8 - length % 8) % 8
                writeMultipleIntegers(FastCGIRecord.version, type.rawValue, requestId, UInt16(length), UInt8(padding), UInt8(0))
                writeBytes(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)]))
                writeRepeatingByte(0, count: padding)
                offset += length
            }
        }
    }
}
