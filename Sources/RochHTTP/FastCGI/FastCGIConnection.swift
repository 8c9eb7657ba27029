import NIOCore

/// The protocol logic of one FastCGI connection, with no IO: records in, actions out.
/// The NIO handler performs the actions; tests feed records and check the actions.
public struct FastCGIConnection {
    public struct Limits: Sendable {
        /// Total PARAMS bytes per request; beyond this the connection is closed.
        public var maxParamsBytes = 1 << 20
        /// Request body limit (413 beyond it).
        public var maxBodyBytes = BodyLimit.defaultBytes
        /// Requests in flight on one connection (more get END_REQUEST OVERLOADED).
        public var maxRequestsPerConnection = 100
        /// A connection idle this long with no request running is closed.
        public var idleTimeout = TimeAmount.seconds(300)
        public init() {}
    }

    /// Values announced by GET_VALUES_RESULT.
    public static let maxConnections = 1000
    public static let maxRequests = 10000

    public enum Action {
        /// Bytes (whole records) to write and flush.
        case send([UInt8])
        /// A complete request to hand to the function.
        case handle(requestId: UInt16, request: Request)
        /// The web server abandoned an in-flight request.
        case abort(requestId: UInt16)
        /// Close the connection (after the sends before it).
        case close
    }

    struct Pending {
        var keepConnection: Bool
        var params: [UInt8] = []
        var env: [String: String]?
        var expectedLength = 0
        var body: [UInt8] = []
    }

    public let limits: Limits
    var pending: [UInt16: Pending] = [:]
    /// Requests handed to the function, with their keep-connection flag.
    var active: [UInt16: Bool] = [:]

    public init(limits: Limits = Limits()) { self.limits = limits }

    public var inFlight: Int { pending.count + active.count }

    public mutating func receive(_ record: FastCGIRecord) -> [Action] {
        guard let type = record.type, type != .unknownType else {
            return [.send(FastCGIRecord.unknownType(record.typeByte).encoded())]
        }
        let id = record.requestId
        switch type {
        case .getValues:
            guard id == 0 else { return [.close] }
            return getValues(record.content)
        case .beginRequest:
            guard id != 0, record.content.count == 8 else { return [.close] }
            if pending[id] != nil || active[id] != nil { return [] }  // duplicate id: ignored, as the spec says
            let role = UInt16(record.content[0]) << 8 | UInt16(record.content[1])
            let keep = record.content[2] & 1 == 1
            if role != 1 {
                return finish([.send(FastCGIRecord.endRequest(requestId: id, .unknownRole).encoded())], keep: keep)
            }
            if inFlight >= limits.maxRequestsPerConnection {
                return finish([.send(FastCGIRecord.endRequest(requestId: id, .overloaded).encoded())], keep: keep)
            }
            pending[id] = Pending(keepConnection: keep)
            return []
        case .abortRequest:
            if active[id] != nil { return [.abort(requestId: id)] }
            guard let p = pending.removeValue(forKey: id) else { return [] }
            return finish([.send(FastCGIRecord.endRequest(requestId: id, appStatus: 1).encoded())], keep: p.keepConnection)
        case .params:
            guard var p = pending[id] else { return [] }  // records for unknown ids are ignored
            guard p.env == nil else { return [.close] }
            if !record.content.isEmpty {
                p.params += record.content
                if p.params.count > limits.maxParamsBytes { return [.close] }
                pending[id] = p
                return []
            }
            do {
                let env = try CGIEnvironment.decode(try FastCGINameValue.decode(p.params))
                p.env = env
                p.params = []
                p.expectedLength = try CGIEnvironment.contentLength(env, limit: limits.maxBodyBytes)
                pending[id] = p
                return []
            } catch let error as FastCGIProtocolError {
                _ = error
                return [.close]
            } catch {
                return fail(id, error, env: p.env)
            }
        case .stdin:
            guard var p = pending[id] else { return [] }
            guard let env = p.env else { return [.close] }
            if !record.content.isEmpty {
                p.body += record.content
                if p.body.count > p.expectedLength {
                    return fail(id, HTTPError.badRequest("The request body is longer than its Content-Length.", code: "invalid_content_length"), env: env)
                }
                pending[id] = p
                return []
            }
            pending[id] = nil
            guard p.body.count == p.expectedLength else {
                pending[id] = p
                return fail(id, HTTPError.badRequest("The request body is shorter than its Content-Length.", code: "incomplete_body"), env: env)
            }
            do {
                let request = try CGIEnvironment.request(env, body: p.body)
                active[id] = p.keepConnection
                return [.handle(requestId: id, request: request)]
            } catch {
                pending[id] = p
                return fail(id, error, env: env)
            }
        case .data:
            return []  // only the FILTER role reads DATA; we are a RESPONDER
        case .endRequest, .stdout, .stderr, .getValuesResult, .unknownType:
            return [.close]  // only an application sends these
        }
    }

    /// The function finished `requestId` (END_REQUEST already written). True when the connection should close.
    public mutating func finished(requestId: UInt16) -> Bool {
        guard let keep = active.removeValue(forKey: requestId) else { return false }
        return !keep
    }

    private func getValues(_ content: [UInt8]) -> [Action] {
        guard let names = try? FastCGINameValue.decode(content) else { return [.close] }
        var result: [(String, String)] = []
        for (n, _) in names {
            switch String(decoding: n, as: UTF8.self) {
            case "FCGI_MAX_CONNS": result.append(("FCGI_MAX_CONNS", String(Self.maxConnections)))
            case "FCGI_MAX_REQS": result.append(("FCGI_MAX_REQS", String(Self.maxRequests)))
            case "FCGI_MPXS_CONNS": result.append(("FCGI_MPXS_CONNS", "1"))
            default: break
            }
        }
        return [.send(FastCGIRecord(type: .getValuesResult, requestId: 0, content: FastCGINameValue.encode(result)).encoded())]
    }

    /// Answers a request that failed before reaching the function (bad length, bad encoding) and forgets it.
    private mutating func fail(_ id: UInt16, _ error: Error, env: [String: String]?) -> [Action] {
        let keep = pending.removeValue(forKey: id)?.keepConnection ?? false
        let request = Request(method: env?["REQUEST_METHOD"] ?? "GET", path: env?["REQUEST_URI"] ?? "/",
                              headers: Headers([("accept", env?["HTTP_ACCEPT"] ?? ""), ("content-type", env?["CONTENT_TYPE"] ?? "")]))
        let response = ErrorResponder.response(for: error, request: request)
        let bytes = FastCGIResponseEncoder.complete(response, requestId: id, includeBody: true)
        return finish([.send(bytes)], keep: keep)
    }

    private func finish(_ actions: [Action], keep: Bool) -> [Action] {
        keep || inFlight > 0 ? actions : actions + [.close]
    }
}

/// Encodes a response as STDOUT records.
public enum FastCGIResponseEncoder {
    /// The CGI head; an invalid head becomes a logged 500.
    public static func head(_ response: inout Response, path: String) -> [UInt8] {
        do { return try ResponseHead.cgi(response) } catch {
            log("\(path): \(error); answering 500")
            response = ResponseHead.internalError()
            return (try? ResponseHead.cgi(response)) ?? []
        }
    }

    /// Head, bytes body, end of STDOUT and END_REQUEST, for a non-streaming response.
    public static func complete(_ response: Response, requestId: UInt16, includeBody: Bool, path: String = "") -> [UInt8] {
        var response = response
        var out = head(&response, path: path)
        if includeBody, case .bytes(let b) = response.body { out += b }
        return FastCGIRecord.stream(.stdout, requestId: requestId, out) + end(requestId: requestId)
    }

    /// Empty STDOUT (end of stream) and END_REQUEST.
    public static func end(requestId: UInt16, appStatus: UInt32 = 0) -> [UInt8] {
        FastCGIRecord.streamEnd(.stdout, requestId: requestId) + FastCGIRecord.endRequest(requestId: requestId, appStatus: appStatus).encoded()
    }
}
