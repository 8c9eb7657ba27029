// roch-sse-load: the load client of bench/portal.sh. Opens N portal event streams on one server
// (FastCGI over a Unix socket, one connection per stream as nginx does, or HTTP to `roch serve`),
// waits until every stream has its replay, commits U timeline entries one at a time and prints,
// per entry, how long until each stream had it, and what the server and this client spent on it.
// One event-loop thread by default, so the client leaves the machine's cores to the server.
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import RochStore

struct SSELoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roch-sse-load",
        abstract: "N concurrent portal SSE streams on one server; delivery time of each committed update.")

    @Option(help: "The FastCGI responder's socket, unix:/path/to.sock.") var fastcgi: String?
    @Option(help: "host:port of an HTTP server (roch serve --in-process) instead of FastCGI.") var http: String?
    @Option(help: "The server's process id (CPU, memory).") var pid: Int32
    @Option(help: "The portal session secret (roch_portal cookie).") var cookie: String
    @Option(name: .customLong("database-url"), help: "Where to commit the updates.") var databaseURL: String
    @Option(help: "The booking whose timeline gets the updates.") var booking: Int64
    @Option(name: .customLong("last-event-id"), help: "Streams resume after this id (no replay).") var lastEventID: Int64 = 0
    @Option var streams = 1000
    @Option var updates = 5
    @Option(help: "Client event-loop threads.") var threads = 1
    @Option(name: .customLong("connect-concurrency"), help: "Streams being opened at once.") var connectConcurrency = 64
    @Option(help: "Seconds to wait for one update to reach every stream.") var timeout = 30.0
    @Option var label = "FastCGI responder"

    func validate() throws {
        guard (fastcgi == nil) != (http == nil) else { throw ValidationError("give exactly one of --fastcgi unix:PATH or --http HOST:PORT") }
        if let fastcgi, !fastcgi.hasPrefix("unix:") { throw ValidationError("--fastcgi takes unix:/path/to.sock") }
        if let http, parseHostPort(http) == nil { throw ValidationError("--http takes host:port, e.g. 127.0.0.1:8080") }
        guard streams > 0, updates > 0, threads > 0, connectConcurrency > 0 else {
            throw ValidationError("--streams, --updates, --threads and --connect-concurrency must be positive")
        }
    }

    func run() throws {
        ProcessFigures.raiseOpenFilesLimit()
        let target: StreamTarget = if let fastcgi { .fastCGI(socketPath: String(fastcgi.dropFirst(5))) } else {
            .http(host: parseHostPort(http!)!.host, port: parseHostPort(http!)!.port)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }
        let log = ArrivalLog(streams: streams)
        let opener = StreamOpener(target: target, group: group, log: log, cookie: cookie, lastEventID: lastEventID)

        let rssIdle = ProcessFigures.residentKiB(pid)
        let openStart = Date()
        let channels = try opener.open(count: streams, concurrency: connectConcurrency)
        let openSeconds = Date().timeIntervalSince(openStart)
        Thread.sleep(forTimeInterval: 1)  // let replays and allocations settle
        let rssOpen = ProcessFigures.residentKiB(pid)

        let database = try Connection(url: databaseURL)
        var connections: Int?
        var figures: [UpdateFigures] = []
        for u in 0..<updates {
            let cpuServer = ProcessFigures.cpuMilliseconds(pid), cpuClient = ProcessFigures.cpuMilliseconds(getpid())
            let start = NIODeadline.now().uptimeNanoseconds
            let row = try database.query("""
                WITH e AS (INSERT INTO portal_events (booking_id, kind, title, body) VALUES ($1, 'vendor', $2, 'load test')
                           RETURNING id, booking_id)
                SELECT id, pg_notify('portal', booking_id || ':' || id) FROM e
                """, booking, "Bench update \(u)").first
            guard let eventID: Int64 = try row?.decode("id") else { throw ValidationError("the update returned no id") }
            let committed = NIODeadline.now().uptimeNanoseconds
            let arrivals = log.wait(for: eventID, timeout: timeout)
            figures.append(UpdateFigures(
                latencies: arrivals.compactMap { $0.map { Double($0 &- start) / 1e6 } },
                missing: arrivals.filter { $0 == nil }.count,
                commitMilliseconds: Double(committed - start) / 1e6,
                cpuServer: ProcessFigures.cpuMilliseconds(pid) - cpuServer,
                cpuClient: ProcessFigures.cpuMilliseconds(getpid()) - cpuClient))
            if connections == nil {
                connections = try database.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).first?.decode("n")
            }
            Thread.sleep(forTimeInterval: 1)
        }
        for c in channels { c.close(promise: nil) }

        let kind = fastcgi != nil ? "FastCGI" : "HTTP"
        var load = [Double](repeating: 0, count: 3)
        getloadavg(&load, 3)
        print("\(label): \(channels.count) concurrent SSE streams (\(kind), one connection each) opened in \(f(openSeconds, 1)) s "
              + "(\(threads) client event-loop thread\(threads == 1 ? "" : "s"); load average \(f(load[0], 1)) on \(ProcessInfo.processInfo.activeProcessorCount) CPUs)")
        print("  responder RSS \(f(Double(rssIdle) / 1024, 1)) MiB idle -> \(f(Double(rssOpen) / 1024, 1)) MiB with \(channels.count) streams: "
              + "\(f(Double(rssOpen - rssIdle) / Double(channels.count), 1)) KiB per open stream")
        print("  database connections of the responder while streaming: \(connections.map(String.init) ?? "?") (pool + one LISTEN), not one per stream")
        for (i, u) in figures.enumerated() {
            print("  update \(i + 1): commit took \(f(u.commitMilliseconds, 1)) ms; delivered to all \(streams - u.missing)/\(streams) streams: "
                  + "p50 \(f(u.p(50))) ms, p99 \(f(u.p(99))) ms, last \(f(u.latencies.max() ?? .nan)) ms (from the start of the commit); "
                  + "CPU used meanwhile: server \(f(u.cpuServer)) ms, load client \(f(u.cpuClient)) ms")
        }
        let all = figures.flatMap(\.latencies)
        print("  all updates: p50 \(f(ProcessFigures.percentile(all, 50))) ms, p99 \(f(ProcessFigures.percentile(all, 99))) ms, "
              + "max \(f(all.max() ?? .nan)) ms over \(all.count) deliveries")
    }
}

/// One update as the bench saw it.
struct UpdateFigures {
    var latencies: [Double]
    var missing: Int
    var commitMilliseconds: Double
    var cpuServer: Double
    var cpuClient: Double
    func p(_ p: Double) -> Double { ProcessFigures.percentile(latencies, p) }
}

func parseHostPort(_ text: String) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
    return (String(text[..<colon]), port)
}

func f(_ value: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }

SSELoad.main()
