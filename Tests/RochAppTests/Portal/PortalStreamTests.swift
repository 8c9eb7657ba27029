import Foundation
import RochApp
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// The portal event stream: replay from Last-Event-ID, live fan-out through one LISTEN
/// connection, heartbeats, and a clean end when the session goes.
@Suite final class PortalStreamTests: @unchecked Sendable {
    let world: PortalWorld
    let hub: PortalEventHub
    let streams: PortalEventStreams

    init() throws {
        world = try PortalWorld()
        hub = PortalEventHub(database: world.context.database, url: world.context.configuration.databaseURL, heartbeat: 0.1)
        streams = PortalEventStreams(context: world.context, hub: hub,
                                     settings: PortalStreamSettings(heartbeat: 0.1, sessionCheck: 0.3, retryMilliseconds: 1500))
    }

    deinit { hub.stop() }

    /// Opens a stream as a browser would; the returned client collects what arrives.
    func connect(_ cookie: String, lastEventID: String? = nil, query: String = "") async throws -> StreamClient {
        var headers = Headers([("Accept", "text/event-stream"), ("Cookie", "roch_portal=\(cookie)")])
        if let lastEventID { headers.add("Last-Event-ID", lastEventID) }
        let response = await ErrorResponder.respond({ try await streams.handle($0) }, to: Request(method: "GET", path: "/api/portal-events", queryString: query,
                                                                                 headers: headers))
        return StreamClient(response)
    }

    func append(_ party: PortalWorld.Party, _ title: String, kind: String = "vendor") throws -> Int64 {
        try world.context.database.withConnectionSync { c in
            try c.transaction { c in
                try TimelineRepository.append(c, bookingID: party.bookingID, kind: kind, title: title, body: "", data: JSONB(#"{"n":1}"#))
            }
        }
    }

    func ids(_ party: PortalWorld.Party) throws -> [Int64] {
        try world.context.database.withConnectionSync { c in
            try c.query("SELECT id FROM portal_events WHERE booking_id = $1 ORDER BY id", party.bookingID).map { try $0.decode("id") }
        }
    }

    @Test func theStreamStartsWithRetryAndTheEventStreamHeaders() async throws {
        let client = try await connect(try await world.signIn(world.asha))
        defer { client.disconnect() }
        #expect(client.response.status == 200)
        #expect(client.response.headers["content-type"] == "text/event-stream; charset=utf-8")
        #expect(client.response.headers["x-accel-buffering"] == "no")
        try await client.waitFor { $0.contains("retry: 1500\n") }
    }

    @Test func withoutLastEventIDTheWholeTimelineIsSentOldestFirst() async throws {
        let client = try await connect(try await world.signIn(world.asha))
        defer { client.disconnect() }
        let expected = try ids(world.asha)
        try await client.waitFor { _ in client.events.count >= expected.count }
        #expect(client.events.map(\.id) == expected)
        #expect(client.events.first?.json["title"] as? String == "Enquiry received")
        #expect(client.events.first?.json["booking"] as? String == world.asha.bookingPublicID)
    }

    @Test func lastEventIDReplaysOnlyWhatWasMissedThenStreamsLiveEntries() async throws {
        let cookie = try await world.signIn(world.asha)
        let before = try ids(world.asha)
        let missed = try append(world.asha, "Caterer confirmed")
        let client = try await connect(cookie, lastEventID: String(before.last!))
        defer { client.disconnect() }
        try await client.waitFor { _ in client.events.count >= 1 }
        let live = try append(world.asha, "Florist confirmed")
        try await client.waitFor { _ in client.events.count >= 2 }
        #expect(client.events.map(\.id) == [missed, live])
        #expect(client.events.map { $0.json["title"] as? String } == ["Caterer confirmed", "Florist confirmed"])
    }

    @Test func theLastEventIDHeaderWinsOverTheQueryAndAMalformedOneIsRefused() async throws {
        let cookie = try await world.signIn(world.asha)
        let all = try ids(world.asha)
        let client = try await connect(cookie, lastEventID: String(all[0]), query: "last_event_id=\(all.last!)")
        defer { client.disconnect() }
        try await client.waitFor { _ in client.events.count >= all.count - 1 }
        #expect(client.events.map(\.id) == Array(all.dropFirst()))
        let viaQuery = try await connect(cookie, query: "last_event_id=\(all[0])")
        defer { viaQuery.disconnect() }
        try await viaQuery.waitFor { _ in viaQuery.events.count >= all.count - 1 }
        #expect(viaQuery.events.map(\.id) == Array(all.dropFirst()))
        let bad = try await connect(cookie, lastEventID: "1; DROP TABLE portal_events")
        #expect(bad.response.status == 400)
    }

    @Test func noEventIsLostOrRepeatedAcrossReconnects() async throws {
        let cookie = try await world.signIn(world.asha)
        var received: [Int64] = []
        var lastID: String? = String(try ids(world.asha).last!)
        var written: [Int64] = []
        for round in 0..<4 {
            let client = try await connect(cookie, lastEventID: lastID)
            // entries while connected
            for i in 0..<5 { written.append(try append(world.asha, "round \(round) live \(i)")) }
            try await client.waitFor { _ in received.count + client.events.count >= written.count }
            client.disconnect()
            received += client.events.map(\.id)
            lastID = client.events.last.map { String($0.id) } ?? lastID
            // entries while disconnected (the "network is down")
            for i in 0..<3 { written.append(try append(world.asha, "round \(round) missed \(i)")) }
        }
        let final = try await connect(cookie, lastEventID: lastID)
        defer { final.disconnect() }
        try await final.waitFor { _ in received.count + final.events.count >= written.count }
        received += final.events.map(\.id)
        #expect(received == written)
        #expect(Set(received).count == received.count)
    }

    @Test func anotherClientsEntriesNeverReachTheStreamAndTheirBookingCannotBeChosen() async throws {
        let cookie = try await world.signIn(world.asha)
        let chosen = try await connect(cookie, query: "booking=\(world.ravi.bookingPublicID)")
        #expect(chosen.response.status == 404)
        let client = try await connect(cookie, lastEventID: String(try ids(world.asha).last!))
        defer { client.disconnect() }
        try await client.waitFor { $0.contains("retry:") }
        _ = try append(world.ravi, "Ravi's caterer confirmed")
        let mine = try append(world.asha, "Asha's florist confirmed")
        try await client.waitFor { _ in client.events.contains { $0.id == mine } }
        #expect(client.events.map(\.id) == [mine])
        #expect(!client.text.contains("Ravi"))
    }

    @Test func withoutAValidSessionThereIsNoStream() async throws {
        for cookie in [PortalAccess.newSecret(), "forged", try world.linkSecret(for: world.asha)] {
            let client = try await connect(cookie)
            #expect(client.response.status == 401)
        }
    }

    @Test func aCommentHeartbeatKeepsAnIdleStreamAlive() async throws {
        let client = try await connect(try await world.signIn(world.asha))
        defer { client.disconnect() }
        try await client.waitFor { $0.components(separatedBy: ": heartbeat\n\n").count > 2 }
    }

    @Test func theStreamEndsCleanlyWhenTheSessionIsRevoked() async throws {
        let cookie = try await world.signIn(world.asha)
        let client = try await connect(cookie)
        try await client.waitFor { _ in client.events.count >= 2 }
        let session: Int64 = try world.sql("SELECT id AS v FROM portal_sessions")
        try world.context.database.withConnectionSync { c in try PortalAccessRepository.revokeSession(c, id: session) }
        try await client.waitUntilFinished()
        #expect(client.text.hasSuffix("event: signed_out\ndata: {\"reason\":\"revoked\"}\n\n"))
        #expect(client.error == nil)
        #expect(try await connect(cookie).response.status == 401)
    }

    @Test func aSessionRevokedBehindTheStreamsBackIsNoticedByThePeriodicCheck() async throws {
        let cookie = try await world.signIn(world.asha)
        let client = try await connect(cookie)
        try await client.waitFor { _ in client.events.count >= 2 }
        try world.execute("UPDATE portal_sessions SET revoked_at = now()")  // no NOTIFY
        try await client.waitUntilFinished()
        #expect(client.text.hasSuffix("event: signed_out\ndata: {\"reason\":\"revoked\"}\n\n"))
    }

    @Test func anExpiredSessionEndsTheStream() async throws {
        let cookie = try await world.signIn(world.asha)
        try world.execute("UPDATE portal_sessions SET expires_at = now() + interval '700 milliseconds'")
        let client = try await connect(cookie)
        try await client.waitUntilFinished()
        #expect(client.text.hasSuffix("event: signed_out\ndata: {\"reason\":\"expired\"}\n\n"))
    }

    @Test func manyStreamsShareOneListenConnection() async throws {
        let cookie = try await world.signIn(world.asha)
        let start = String(try ids(world.asha).last!)
        var clients: [StreamClient] = []
        for _ in 0..<40 { clients.append(try await connect(cookie, lastEventID: start)) }
        defer { clients.forEach { $0.disconnect() } }
        for c in clients { try await c.waitFor { $0.contains("retry:") } }
        let id = try append(world.asha, "Photographer confirmed")
        for c in clients { try await c.waitFor { _ in c.events.contains { $0.id == id } } }
        #expect(clients.allSatisfy { $0.events.map(\.id) == [id] })
        #expect(hub.count == 40)
        let listeners: Int = try world.sql("""
            SELECT count(*)::int AS v FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'
            """)
        #expect(listeners == 1)
    }
}

/// Behind fcgiwrap every open stream would hold one of a few CGI processes: there the answer is
/// bounded (replay since Last-Event-ID, a `retry:`, a `polling` event, then the end) and the portal polls.
@Suite final class BoundedPortalStreamTests: @unchecked Sendable {
    let world: PortalWorld
    let hub: PortalEventHub
    let streams: PortalEventStreams

    init() throws {
        world = try PortalWorld()
        hub = PortalEventHub(database: world.context.database, url: world.context.configuration.databaseURL, heartbeat: 0.1)
        streams = PortalEventStreams(context: world.context, hub: hub,
                                     settings: PortalStreamSettings(heartbeat: 0.1, retryMilliseconds: 1500, bounded: true,
                                                                    boundedRetryMilliseconds: 20_000))
    }

    deinit { hub.stop() }

    @Test func aBoundedAnswerReplaysWhatWasMissedSaysWhenToComeBackAndEnds() async throws {
        let cookie = try await world.signIn(world.asha)
        let before: [Int64] = try world.context.database.withConnectionSync { c in
            try c.query("SELECT id FROM portal_events WHERE booking_id = $1 ORDER BY id", world.asha.bookingID).map { try $0.decode("id") }
        }
        let missed = try world.context.database.withConnectionSync { c in
            try c.transaction { c in
                try TimelineRepository.append(c, bookingID: world.asha.bookingID, kind: "vendor", title: "Caterer confirmed", body: "", data: JSONB("{}"))
            }
        }
        let headers = Headers([("Accept", "text/event-stream"), ("Cookie", "roch_portal=\(cookie)"), ("Last-Event-ID", String(before.last!))])
        let response = await ErrorResponder.respond({ try await self.streams.handle($0) },
                                                    to: Request(method: "GET", path: "/api/portal-events", headers: headers))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream; charset=utf-8")
        let client = StreamClient(response)
        try await client.waitUntilFinished()   // it ends by itself: no heartbeat, no live wait
        #expect(client.error == nil)
        #expect(client.events.map(\.id) == [missed])
        #expect(client.text.hasPrefix("retry: 20000\n\n"))
        #expect(client.text.hasSuffix("event: polling\ndata: {\"retry_ms\":20000}\n\n"))
        #expect(!client.text.contains(": heartbeat"))
        #expect(hub.count == 0)   // never subscribed: no LISTEN connection for a CGI process
    }

    @Test func aBoundedAnswerStillNeedsASession() async throws {
        let headers = Headers([("Accept", "text/event-stream"), ("Cookie", "roch_portal=\(PortalAccess.newSecret())")])
        let response = await ErrorResponder.respond({ try await self.streams.handle($0) },
                                                    to: Request(method: "GET", path: "/api/portal-events", headers: headers))
        #expect(response.status == 401)
    }

    @Test func theRuntimeDecidesWhetherTheStreamIsBounded() {
        // CGI (GATEWAY_INTERFACE in the process environment), as fcgiwrap runs it: bounded.
        #expect(PortalStreamSettings.from(environment: ["GATEWAY_INTERFACE": "CGI/1.1"]).bounded)
        // A CGI server that streams output and has no small pool (roch serve) says so: long-lived.
        #expect(!PortalStreamSettings.from(environment: ["GATEWAY_INTERFACE": "CGI/1.1", "ROCH_CGI_STREAMS": "1"]).bounded)
        // FastCGI responders and roch serve --in-process have no GATEWAY_INTERFACE in their own environment.
        #expect(!PortalStreamSettings.from(environment: [:]).bounded)
        #expect(PortalStreamSettings.from(environment: ["PORTAL_SSE_BOUNDED_RETRY_MS": "30000"]).boundedRetryMilliseconds == 30_000)
        #expect(PortalStreamSettings.from(environment: [:]).boundedRetryMilliseconds == 15_000)
    }
}

/// A browser's end of one stream: runs the response body and parses what it writes.
final class StreamClient: @unchecked Sendable {
    struct Event { let id: Int64; let json: [String: Any] }

    let response: Response
    private let writer = PortalCollectingWriter()
    private var task: Task<Void, Never>?
    private let lock = NSLock()
    private var finished = false
    private(set) var error: Error?

    init(_ response: Response) {
        self.response = response
        if case .stream(let body) = response.body {
            let writer = self.writer
            task = Task { [self] in
                do { try await body(writer) } catch { lock.withLock { self.error = error } }
                lock.withLock { finished = true }
            }
        } else {
            finished = true
        }
    }

    var text: String { writer.text }
    var isFinished: Bool { lock.withLock { finished } }

    /// The `message` events with an id, in arrival order.
    var events: [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard let id, let json = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return nil }
            return Event(id: id, json: json)
        }
    }

    func disconnect() {
        writer.close()
        task?.cancel()
    }

    /// Waits (up to a generous bound, so a broken stream fails instead of hanging) for the condition.
    func waitFor(_ condition: (String) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<1000 {
            if condition(text) { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record("stream did not reach the expected state; it holds:\n\(text)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    func waitUntilFinished(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitFor({ _ in isFinished }, sourceLocation: sourceLocation)
    }
}

final class PortalCollectingWriter: StreamWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var closed = false

    func write(_ chunk: [UInt8]) async throws {
        try lock.withLock {
            if closed { throw CancellationError() }
            bytes += chunk
        }
    }

    var isClosed: Bool { lock.withLock { closed } }
    func close() { lock.withLock { closed = true } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
