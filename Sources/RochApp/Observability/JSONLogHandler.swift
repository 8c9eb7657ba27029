import Foundation
import Logging
import NIOConcurrencyHelpers
import RochHTTP
import RochStore

/// swift-log's handler for every Roch process: one JSON object per line on stderr (journald and
/// nginx's error log keep lines whole), with the request id of the task that logged it.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        for (k, v) in metadata { fields[k] = Self.json(v) }
        for (k, v) in event.metadata ?? [:] { fields[k] = Self.json(v) }
        if let error = event.error { fields["error"] = String(describing: error) }
        let level = event.level, message = event.message
        if fields["request_id"] == nil, let id = RequestTrace.requestID { fields["request_id"] = id }
        fields["ts"] = Self.timestamp(Date())
        fields["level"] = level.rawValue
        fields["logger"] = label
        fields["msg"] = message.description
        write(Self.line(fields))
    }

    /// One JSON object and a newline; keys sorted so lines diff and grep well.
    static func line(_ fields: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{\"level\":\"error\",\"msg\":\"unencodable log line\"}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c):
            if let n = c as? Int { return n }
            if let d = c as? Double { return d.isFinite ? d : d.description }
            if let b = c as? Bool { return b }
            return c.description
        case .array(let a): return a.map(json)
        case .dictionary(let d): return d.mapValues(json)
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Sets up logging once per process: JSON lines at LOG_LEVEL (trace, debug, info, notice, warning,
/// error, critical; default info), and routes RochHTTP's `log(_:)` through it.
public enum RochLogging {
    private static let done = NIOLockedValueBox(false)

    /// Whether this process logs JSON lines (a worker in a test does not: its per-message lines stay quiet).
    public static var isBootstrapped: Bool { done.withLockedValue { $0 } }

    public static func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let level = self.level(environment["LOG_LEVEL"])
        done.withLockedValue { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
            LogRouting.use(Logger(label: "roch"))
        }
    }

    public static func level(_ text: String?) -> Logger.Level {
        text.flatMap { Logger.Level(rawValue: $0.lowercased().trimmingCharacters(in: .whitespaces)) } ?? .info
    }
}
