import Foundation
import RochCore
import RochHTTP
import RochStore

extension FunctionDefinition {
    /// `GET /api/portal-events`: the signed-in client's timeline as Server-Sent Events.
    public static let portalEvents = FunctionDefinition(name: "portal-events") {
        let context = try AppContext.shared()
        let settings = PortalStreamSettings.from(environment: ProcessInfo.processInfo.environment)
        let hub = PortalEventHub(database: context.database, url: context.configuration.databaseURL, heartbeat: settings.heartbeat)
        let streams = PortalEventStreams(context: context, hub: hub, settings: settings)
        return { request in try await streams.handle(request) }
    }
}

/// Timings of the event stream (seconds), and whether this process may hold a stream open.
public struct PortalStreamSettings: Sendable, Equatable {
    /// Comment heartbeat interval: keeps proxies and phones from closing an idle stream.
    public var heartbeat: TimeInterval
    /// How often an open stream re-reads its session from the database (revocation by hand, expiry).
    public var sessionCheck: TimeInterval
    /// The `retry:` the browser waits before reconnecting.
    public var retryMilliseconds: Int
    /// True where each open stream would hold one of a few processes (CGI behind fcgiwrap): the answer
    /// is bounded (replay since Last-Event-ID, `retry:`, `event: polling`, end) and the portal polls.
    public var bounded: Bool
    /// The `retry:` of a bounded answer: how often a browser that ignores `event: polling` comes back.
    public var boundedRetryMilliseconds: Int

    public init(heartbeat: TimeInterval = 15, sessionCheck: TimeInterval = 60, retryMilliseconds: Int = 2000,
                bounded: Bool = false, boundedRetryMilliseconds: Int = 15_000) {
        self.heartbeat = heartbeat
        self.sessionCheck = sessionCheck
        self.retryMilliseconds = retryMilliseconds
        self.bounded = bounded
        self.boundedRetryMilliseconds = boundedRetryMilliseconds
    }

    /// PORTAL_SSE_HEARTBEAT_SECONDS (15), PORTAL_SSE_SESSION_CHECK_SECONDS (60), PORTAL_SSE_RETRY_MS (2000),
    /// PORTAL_SSE_BOUNDED_RETRY_MS (15000). Bounded when the process runs as a CGI program (`GATEWAY_INTERFACE`
    /// in its own environment) and the server has not said it streams CGI output (`ROCH_CGI_STREAMS=1`,
    /// which `roch serve` sets). A FastCGI responder or `roch serve --in-process` never sees GATEWAY_INTERFACE
    /// in its process environment, so it keeps the long-lived stream.
    public static func from(environment env: [String: String]) -> PortalStreamSettings {
        func seconds(_ key: String, _ fallback: TimeInterval) -> TimeInterval {
            guard let v = env[key].flatMap(Double.init), v > 0, v <= 3600 else { return fallback }
            return v
        }
        func milliseconds(_ key: String, _ fallback: Int, upTo limit: Int) -> Int {
            env[key].flatMap(Int.init).flatMap { (100...limit).contains($0) ? $0 : nil } ?? fallback
        }
        let isCGI = !(env["GATEWAY_INTERFACE"] ?? "").isEmpty
        return PortalStreamSettings(heartbeat: seconds("PORTAL_SSE_HEARTBEAT_SECONDS", 15),
                                    sessionCheck: seconds("PORTAL_SSE_SESSION_CHECK_SECONDS", 60),
                                    retryMilliseconds: milliseconds("PORTAL_SSE_RETRY_MS", 2000, upTo: 60_000),
                                    bounded: isCGI && env[cgiStreamsVariable] != "1",
                                    boundedRetryMilliseconds: milliseconds("PORTAL_SSE_BOUNDED_RETRY_MS", 15_000, upTo: 600_000))
    }

    /// Set to `1` by a CGI server that copies a program's output to the client as it is written and does
    /// not run requests from a small fixed pool (`roch serve`); stock fcgiwrap does neither.
    public static let cgiStreamsVariable = CGIProcess.streamsVariable
}

/// The portal-events function: authenticates, then streams timeline entries after the client's
/// last seen id (`Last-Event-ID` header, else `?last_event_id=`), live entries from the hub, and
/// heartbeats; it ends with a `signed_out` event when the session is revoked or expires.
public struct PortalEventStreams: Sendable {
    let context: AppContext
    let hub: PortalEventHub
    let settings: PortalStreamSettings

    public init(context: AppContext, hub: PortalEventHub, settings: PortalStreamSettings) {
        self.context = context
        self.hub = hub
        self.settings = settings
    }

    public func handle(_ request: Request) async throws -> Response {
        guard request.method == "GET" else { throw HTTPError.methodNotAllowed(["GET"]) }
        let query = try request.query()
        let resumeFrom = try Self.lastEventID(request, query: query)
        let onlyBooking = query["booking"]
        let start: (PortalSessionRecord, [Int64: String]) = try await context.database.withConnection { c in
            guard let s = try PortalAccess.session(for: request, on: c) else { throw PortalAccess.signInRequired }
            var bookings = try PortalRepository.bookings(c, clientID: s.clientID)
            if let onlyBooking {
                bookings = bookings.filter { $0.publicID == onlyBooking }
                if bookings.isEmpty { throw PortalAPI.noSuchBooking }
            }
            return (s, Dictionary(uniqueKeysWithValues: bookings.map { ($0.id, $0.publicID) }))
        }
        let stream = PortalEventStream(context: context, hub: hub, settings: settings, session: start.0, bookings: start.1,
                                       resumeFrom: resumeFrom)
        let bounded = settings.bounded
        var response = Response.eventStream { sse in try await bounded ? stream.runBounded(sse) : stream.run(sse) }
        response.headers.set("Cache-Control", "private, no-cache, no-store")
        return response
    }

    /// The id after which to resume: the browser's `Last-Event-ID` wins over the page's `last_event_id`.
    static func lastEventID(_ request: Request, query: FormData) throws -> Int64 {
        for candidate in [request.headers["last-event-id"], query["last_event_id"]] {
            guard let text = candidate?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
            guard let id = Int64(text), id >= 0 else {
                throw HTTPError.badRequest("Last-Event-ID must be a whole number.", code: "invalid_last_event_id")
            }
            return id
        }
        return 0
    }
}

/// One open stream.
struct PortalEventStream: Sendable {
    let context: AppContext
    let hub: PortalEventHub
    let settings: PortalStreamSettings
    let session: PortalSessionRecord
    /// booking id -> public id, for the client's bookings this stream carries.
    let bookings: [Int64: String]
    let resumeFrom: Int64

    func run(_ sse: SSEWriter) async throws {
        try await sse.retry(milliseconds: settings.retryMilliseconds)
        let subscription = hub.subscribe(clientID: session.clientID, bookingIDs: Array(bookings.keys))
        defer { hub.unsubscribe(subscription.id) }
        await hub.ready()
        var sent = SentIDs(floor: resumeFrom)
        try await replay(sse, &sent)
        var lastCheck = Date()
        for await signal in subscription.signals {
            if sse.isClosed { return }
            switch signal {
            case .event(let shared):
                guard Date() < session.expiresAt else { return try await end(sse, reason: "expired") }
                guard let publicID = bookings[shared.record.bookingID], sent.insert(shared.record.id) else { continue }
                try await sse.stream.write(try shared.sse(publicID: publicID, encode: Self.encode))
            case .resync:
                try await replay(sse, &sent)
            case .dashboardChanged:
                continue
            case .accessChanged:
                guard try await sessionIsLive() else { return try await end(sse, reason: "revoked") }
                lastCheck = Date()
            case .tick:
                if Date() >= session.expiresAt { return try await end(sse, reason: "expired") }
                if Date().timeIntervalSince(lastCheck) >= settings.sessionCheck {
                    guard try await sessionIsLive() else { return try await end(sse, reason: "revoked") }
                    lastCheck = Date()
                }
                try await sse.heartbeat()
            }
        }
    }

    /// The CGI answer: what the client missed, when to come back, and a `polling` event so the portal
    /// switches to polling its JSON instead of holding a process; then the response ends. No LISTEN.
    func runBounded(_ sse: SSEWriter) async throws {
        try await sse.retry(milliseconds: settings.boundedRetryMilliseconds)
        var sent = SentIDs(floor: resumeFrom)
        try await replay(sse, &sent)
        try await sse.send(ServerSentEvent(event: "polling", data: #"{"retry_ms":\#(settings.boundedRetryMilliseconds)}"#))
    }

    private func replay(_ sse: SSEWriter, _ sent: inout SentIDs) async throws {
        let ids = Array(bookings.keys)
        while true {
            let after = sent.highest
            let records = try await context.database.withConnection { c in try PortalRepository.events(c, bookingIDs: ids, after: after) }
            for r in records { try await send(r, sse, &sent) }
            if records.count < 500 { return }
        }
    }

    private func send(_ record: PortalEventRecord, _ sse: SSEWriter, _ sent: inout SentIDs) async throws {
        guard let publicID = bookings[record.bookingID], sent.insert(record.id) else { return }
        try await sse.stream.write(try Self.encode(record, publicID))
    }

    /// `id: <entry id>` and the entry as JSON `data:`.
    static func encode(_ record: PortalEventRecord, _ publicID: String) throws -> [UInt8] {
        let data = String(decoding: try JSONCoding.encode(PortalTimelineEntry(record, bookingPublicID: publicID)), as: UTF8.self)
        return Array(ServerSentEvent(id: String(record.id), data: data).encoded().utf8)
    }

    private func sessionIsLive() async throws -> Bool {
        let id = session.id
        return try await context.database.withConnection { c in try PortalAccessRepository.activeSession(c, id: id) != nil }
    }

    /// The last word of a stream whose session ended: the page stops reconnecting and shows sign-in.
    private func end(_ sse: SSEWriter, reason: String) async throws {
        try await sse.send(ServerSentEvent(event: "signed_out", data: #"{"reason":"\#(reason)"}"#))
    }
}

/// Ids a stream has delivered (or the client already had): nothing is sent twice.
struct SentIDs {
    /// Everything at or below this the client has.
    private(set) var floor: Int64
    private var above: Set<Int64> = []
    private(set) var highest: Int64

    init(floor: Int64) {
        self.floor = floor
        highest = floor
    }

    /// False when the id was already delivered.
    mutating func insert(_ id: Int64) -> Bool {
        guard id > floor, above.insert(id).inserted else { return false }
        highest = max(highest, id)
        if above.count > 1024 {
            // keep the newest ids; older ones become the floor
            let sorted = above.sorted()
            floor = sorted[sorted.count - 512]
            above = Set(sorted.suffix(511))
        }
        return true
    }
}
