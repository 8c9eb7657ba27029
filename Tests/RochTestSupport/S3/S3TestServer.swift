import Foundation
import NIOConcurrencyHelpers

/// A real S3-compatible server on 127.0.0.1 for tests: moto's server mode (PyPI `moto[server]`,
/// installed by `make deps` into .build/venv) run by s3_server.py beside this file, with SigV4
/// signatures checked against an IAM user it creates. Its listener can be stopped and started again
/// on the same port (the objects stay) to test retries.
public final class S3TestServer: Sendable {
    public let port: Int
    public let bucket: String
    public let region: String
    public let accessKeyID: String
    public let secretAccessKey: String
    private let process: Process
    private let commands: FileHandle
    private let replies: LineReader

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public init(bucket: String = "roch-documents") throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".build/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Unavailable(description: "\(python) is missing: run `make deps` (it installs moto[server] for the S3 tests)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("s3_server.py").path, bucket]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        commands = input.fileHandleForWriting
        replies = LineReader(output.fileHandleForReading)
        guard let line = replies.next(), let data = line.data(using: .utf8),
              let info = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let port = info["port"] as? Int, let key = info["access_key_id"] as? String, let secret = info["secret_access_key"] as? String else {
            process.terminate()
            throw Unavailable(description: "s3_server.py did not start (is moto[server] installed in .build/venv? run `make deps`)")
        }
        self.port = port
        self.bucket = bucket
        self.region = info["region"] as? String ?? "ap-south-1"
        accessKeyID = key
        secretAccessKey = secret
    }

    /// Closes the listening socket: connections are refused until `start()`.
    public func stop() throws { try command("stop") }

    /// Listens again on the same port, with the same objects.
    public func start() throws { try command("start") }

    private func command(_ name: String) throws {
        try commands.write(contentsOf: Data("\(name)\n".utf8))
        guard replies.next() == "ok" else { throw Unavailable(description: "s3_server.py did not acknowledge \(name)") }
    }

    /// Ends the server process (closing its stdin ends it; waits until it has exited).
    public func shutdown() {
        try? commands.close()
        process.waitUntilExit()
    }
}

/// Lines from a pipe, read as they arrive.
final class LineReader: Sendable {
    private let handle: FileHandle
    private let buffer = NIOLockedValueBox(Data())

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        buffer.withLockedValue { buffer in
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    return line
                }
                let chunk = handle.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
        }
    }
}
