import Foundation
import RochStore

/// The checks `roch doctor` makes of a running installation beyond configuration and migrations:
/// the FastCGI sockets answer, a worker beat recently, the outbox is not stuck, the document store
/// is reachable, the TLS certificate is not about to expire. Each finding is one line.
public enum InstallationDoctor {
    public struct Finding: Sendable, Equatable {
        public var check: String
        public var ok: Bool
        public var detail: String
        public var line: String { "\(check): \(ok ? "" : "PROBLEM: ")\(detail)" }
    }

    /// Thresholds: a worker silent this long is taken for dead; a message due this long means a stuck outbox.
    public static let heartbeatLimit: Double = 120
    public static let oldestDueLimit: Double = 600
    public static let certificateWarningDays = 14

    public static func run(connection: Connection?, environment env: [String: String]) -> [Finding] {
        var out: [Finding] = []
        let runDir = env["ROCH_RUN_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/run/roch"
        out += sockets(in: runDir)
        if let connection {
            out += outbox(connection)
            if let templates = whatsAppTemplates(connection) { out.append(templates) }
        }
        if let dir = DocumentStoreManifest.directory(environment: env) {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue
            out.append(Finding(check: "document store", ok: exists && FileManager.default.isWritableFile(atPath: dir),
                               detail: exists ? "\(dir)" + (FileManager.default.isWritableFile(atPath: dir) ? " is writable" : " is not writable by this user")
                                              : "\(dir) does not exist"))
        }
        if let cert = env["TLS_CERT"], !cert.isEmpty { out.append(certificate(cert)) }
        return out
    }

    /// Every `*.sock` in the run directory must answer FCGI_GET_VALUES (a responder is listening).
    static func sockets(in dir: String) -> [Finding] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            return [Finding(check: "sockets", ok: true, detail: "\(dir) does not exist (no native FastCGI responders here)")]
        }
        let sockets = names.filter { $0.hasSuffix(".sock") }.sorted()
        if sockets.isEmpty { return [Finding(check: "sockets", ok: true, detail: "none in \(dir)")] }
        return sockets.map { name in
            let path = dir + "/" + name
            return FastCGIProbe.answers(path: path)
                ? Finding(check: "socket \(name)", ok: true, detail: "answers FastCGI")
                : Finding(check: "socket \(name)", ok: false, detail: "\(path) does not answer: systemctl status roch-fn@\(name.dropLast(5))")
        }
    }

    static func outbox(_ c: Connection) -> [Finding] {
        guard let f = try? OperationsFigures.read(c) else {
            return [Finding(check: "outbox", ok: false, detail: "cannot read the outbox figures (run `roch migrate`?)")]
        }
        var out: [Finding] = []
        let backlog = f.backlogByChannel.values.reduce(0, +)
        switch f.heartbeatAgeSeconds {
        case nil:
            // A fresh installation has no worker yet; it matters once something waits for one.
            let waiting = backlog + f.jobsBacklog
            out.append(Finding(check: "worker", ok: waiting == 0,
                               detail: "no worker has run against this database" + (waiting == 0 ? " yet (nothing is waiting)" : " and \(waiting) message(s)/job(s) are due: systemctl enable --now roch-worker")))
        case let age? where age > heartbeatLimit:
            out.append(Finding(check: "worker", ok: false, detail: "last heartbeat \(Int(age)) s ago: systemctl status roch-worker"))
        case let age?: out.append(Finding(check: "worker", ok: true, detail: "heartbeat \(Int(age)) s ago"))
        }
        if f.outboxPaused {
            out.append(Finding(check: "outbox", ok: false, detail: "PAUSED with \(backlog) message(s) due: `roch outbox resume` once the data is checked"))
        } else {
            out.append(Finding(check: "outbox", ok: f.oldestDueSeconds <= oldestDueLimit,
                               detail: "\(backlog) due, oldest waiting \(Int(f.oldestDueSeconds)) s, \(f.jobsBacklog) job(s) due"))
        }
        return out
    }

    /// Meta's approval of the WhatsApp templates: nothing to say until `roch whatsapp templates sync` ran;
    /// a problem when messages are held behind a template Meta rejected, paused or disabled.
    static func whatsAppTemplates(_ c: Connection) -> Finding? {
        guard let s = try? WhatsAppTemplateRepository.summary(c) else { return nil }
        guard !s.templatesByStatus.isEmpty else {
            return Finding(check: "whatsapp templates", ok: true,
                           detail: "no approval status recorded: messages are sent without checking (`roch whatsapp templates sync` records them)")
        }
        let counts = s.templatesByStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.lowercased())" }.joined(separator: ", ")
        var detail = counts
        if s.heldAwaitingReview > 0 { detail += "; \(s.heldAwaitingReview) message(s) held until Meta approves their template" }
        if !s.heldBlocked.isEmpty {
            let blocked = s.heldBlocked.sorted { $0.key < $1.key }.map { "\($0.value) for \($0.key)" }.joined(separator: ", ")
            detail += "; held behind templates Meta will not send: \(blocked): edit them in WhatsApp Manager (the sync then reads the new status), or cancel those messages"
        }
        return Finding(check: "whatsapp templates", ok: s.heldBlocked.isEmpty, detail: detail)
    }

    /// The certificate's notAfter, read with openssl (as nginx would load it).
    static func certificate(_ path: String) -> Finding {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "x509", "-noout", "-enddate", "-in", path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return Finding(check: "certificate", ok: false, detail: "openssl is not installed") }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        guard process.terminationStatus == 0, let raw = text.split(separator: "=", maxSplits: 1).last,
              let end = formatter.date(from: raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "  ", with: " ")) else {
            return Finding(check: "certificate", ok: false, detail: "\(path) is not a readable PEM certificate")
        }
        let days = Int(end.timeIntervalSinceNow / 86_400)
        return Finding(check: "certificate", ok: days >= certificateWarningDays,
                       detail: days < 0 ? "\(path) EXPIRED \(-days) day(s) ago" : "\(path) expires in \(days) day(s)" + (days < certificateWarningDays ? ": renew it (certbot renew)" : ""))
    }
}

/// Asks a FastCGI socket for FCGI_MPXS_CONNS (FCGI_GET_VALUES, request id 0): any well-formed
/// FCGI_GET_VALUES_RESULT means a responder is listening and reading.
enum FastCGIProbe {
    static func answers(path: String, timeoutSeconds: Int = 2) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return false }
        let name = Array("FCGI_MPXS_CONNS".utf8)
        let content: [UInt8] = [UInt8(name.count), 0] + name
        let record: [UInt8] = [1, 9, 0, 0, 0, UInt8(content.count), 0, 0] + content   // version 1, FCGI_GET_VALUES
        guard record.withUnsafeBytes({ write(fd, $0.baseAddress, record.count) }) == record.count else { return false }
        var header = [UInt8](repeating: 0, count: 8)
        let n = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, 8) }
        return n == 8 && header[0] == 1 && header[1] == 10   // FCGI_GET_VALUES_RESULT
    }
}
