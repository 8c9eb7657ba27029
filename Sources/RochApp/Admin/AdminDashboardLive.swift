import Foundation
import RochCore
import RochHTTP
import RochStore

/// The dashboard without a reload: `GET /admin/dashboard/events` is a Server-Sent Events stream
/// that says `changed` whenever migration 0022's triggers NOTIFY `dashboard` (an enquiry, a
/// payment, a vendor change, a message status), through the portal's hub (one LISTEN per process);
/// site/admin/dashboard.js then re-fetches the page and swaps its panels. Where a stream would hold
/// a CGI process, the answer is bounded (`event: polling`) and the script re-fetches now and then.
extension AdminApp {
    func dashboardEvents(_ request: Request, session: StaffSession) -> Response {
        let settings = liveSettings, hub = live, sessions = auth.sessions, database = context.database
        let secret = StaffSessions.secret(in: request)
        let clock = self.clock
        var response = Response.eventStream { sse in
            if settings.bounded {
                try await sse.retry(milliseconds: settings.boundedRetryMilliseconds)
                try await sse.send(ServerSentEvent(event: "polling", data: #"{"retry_ms":\#(settings.boundedRetryMilliseconds)}"#))
                return
            }
            try await sse.retry(milliseconds: settings.retryMilliseconds)
            let subscription = hub.subscribeDashboard()
            defer { hub.unsubscribe(subscription.id) }
            await hub.ready()
            // Anything committed before the hub listened is covered: the page re-fetches once on `ready`.
            try await sse.send(ServerSentEvent(event: "ready", data: "{}"))
            var lastCheck = clock()
            for await signal in subscription.signals {
                if sse.isClosed { return }
                switch signal {
                case .dashboardChanged(let table):
                    try await sse.send(ServerSentEvent(event: "changed", data: #"{"table":"\#(table.filter { $0.isLetter || $0 == "_" })"}"#))
                case .resync:
                    try await sse.send(ServerSentEvent(event: "changed", data: #"{"table":"*"}"#))
                case .tick:
                    if clock().timeIntervalSince(lastCheck) >= settings.sessionCheck {
                        let now = clock()
                        let live = try await database.withConnection { c in try sessions.current(c, secret: secret, now: now) }
                        guard live?.stage == .signedIn else {
                            return try await sse.send(ServerSentEvent(event: "signed_out", data: "{}"))
                        }
                        lastCheck = now
                    }
                    try await sse.heartbeat()
                case .event, .accessChanged:
                    continue
                }
            }
        }
        response.headers.set("Cache-Control", "private, no-cache, no-store")
        return response
    }

    func dashboardScript(_ request: Request) -> Response {
        var r = Response(status: 200, contentType: "text/javascript; charset=utf-8", body: templates.dashboardScript)
        r.headers.set("Cache-Control", "public, max-age=86400")
        return r
    }
}
