import Foundation
import NIOCore
import NIOPosix

/// A tiny SMTP server that accepts mail and keeps it for assertions: EHLO/HELO, STARTTLS (offered
/// with a throwaway certificate unless `startTLS: false`; clients trust `caFile`), AUTH PLAIN and
/// LOGIN (any credentials, or only the configured ones), MAIL FROM, RCPT TO, DATA with
/// dot-unstuffing, RSET, NOOP, QUIT.
public final class SMTPSink: @unchecked Sendable {
    /// One message as received.
    public struct Message: Sendable {
        public var mailFrom: String
        public var recipients: [String]
        /// The DATA section after dot-unstuffing, without the final ".".
        public var data: [UInt8]
        /// The user name given with AUTH, if any.
        public var authenticatedUser: String?
        /// True when the message came over TLS (after STARTTLS).
        public var overTLS: Bool = false

        public var text: String { String(decoding: data, as: UTF8.self) }

        /// The header block (unfolded), as (name, value) pairs in order.
        public var headers: [(name: String, value: String)] {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            var result: [(String, String)] = []
            for line in head.components(separatedBy: "\r\n") {
                if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = result.popLast() {
                    result.append((last.0, last.1 + line))
                } else if let colon = line.firstIndex(of: ":") {
                    result.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
                }
            }
            return result
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public let port: Int
    /// When set, AUTH must give exactly these; otherwise any credentials are accepted.
    public let credentials: (user: String, password: String)?
    /// The certificate to trust (PEM) when STARTTLS is offered, e.g. for SMTP_CA_FILE; nil without TLS.
    public var caFile: String? { certificate?.caFile }
    let certificate: SinkCertificate?
    private let channel: Channel
    private let lock = NSLock()
    private var stored: [Message] = []
    private var transcript: [String] = []

    /// `startTLS: false` makes a server that does not offer STARTTLS (a client that requires it must refuse to send).
    public init(host: String = "127.0.0.1", port: Int = 0, credentials: (user: String, password: String)? = nil,
                startTLS: Bool = true) throws {
        self.credentials = credentials
        certificate = startTLS ? try SinkCertificate() : nil
        let box = SinkBox()
        box.certificate = certificate
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(SMTPSessionHandler(sink: box))
            }
            .bind(host: host, port: port).wait()
        self.port = channel.localAddress?.port ?? 0
        box.sink = self
    }

    /// The URL to give `Mailer` (credentials optional).
    public func url(user: String? = nil, password: String? = nil) -> String {
        // smtp:// with STARTTLS (the Mailer requires it); smtps:// is not served.
        if let user, let password { return "smtp://\(user):\(password)@127.0.0.1:\(port)" }
        return "smtp://127.0.0.1:\(port)"
    }

    public var messages: [Message] { lock.withLock { stored } }
    /// Every command line received, for protocol assertions.
    public var commands: [String] { lock.withLock { transcript } }

    public func shutdown() { try? channel.close().wait() }

    fileprivate func store(_ message: Message) { lock.withLock { stored.append(message) } }
    fileprivate func log(_ line: String) { lock.withLock { transcript.append(line) } }
}

private final class SinkBox: @unchecked Sendable {
    weak var sink: SMTPSink?
    var certificate: SinkCertificate?
}

private final class SMTPSessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State { case command, data, authPlain, authLoginUser, authLoginPassword(String) }

    let box: SinkBox
    var state = State.command
    var pending: [UInt8] = []
    var mailFrom: String?
    var recipients: [String] = []
    var dataLines: [UInt8] = []
    var user: String?
    var overTLS = false

    init(sink: SinkBox) { box = sink }

    func channelActive(context: ChannelHandlerContext) {
        reply(context, "220 sink.roch.test ESMTP RochSMTPSink")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let lf = pending.firstIndex(of: 0x0a) {
            var line = Array(pending[..<lf])
            pending.removeSubrange(...lf)
            if line.last == 0x0d { line.removeLast() }
            handle(line, context)
        }
    }

    private func handle(_ line: [UInt8], _ context: ChannelHandlerContext) {
        let sink = box.sink
        switch state {
        case .data:
            if line == [UInt8(ascii: ".")] {
                sink?.store(.init(mailFrom: mailFrom ?? "", recipients: recipients, data: dataLines, authenticatedUser: user, overTLS: overTLS))
                dataLines = []
                mailFrom = nil
                recipients = []
                state = .command
                reply(context, "250 2.0.0 Ok: queued as \(UUID().uuidString.prefix(10))")
            } else {
                // RFC 5321 4.5.2: a leading dot was doubled by the sender.
                dataLines += (line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line) + [0x0d, 0x0a]
            }
            return
        case .authPlain:
            state = .command
            finishPlain(String(decoding: line, as: UTF8.self), context)
            return
        case .authLoginUser:
            state = .authLoginPassword(decode64(String(decoding: line, as: UTF8.self)) ?? "")
            reply(context, "334 UGFzc3dvcmQ6")
            return
        case .authLoginPassword(let name):
            state = .command
            authenticate(name, decode64(String(decoding: line, as: UTF8.self)) ?? "", context)
            return
        case .command:
            break
        }
        let text = String(decoding: line, as: UTF8.self)
        sink?.log(text)
        let verb = text.split(separator: " ").first.map { $0.uppercased() } ?? ""
        switch verb {
        case "EHLO":
            let startTLS = box.certificate != nil && !overTLS ? "250-STARTTLS\r\n" : ""
            reply(context, "250-sink.roch.test\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n\(startTLS)250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8")
        case "STARTTLS":
            guard let certificate = box.certificate else { reply(context, "502 5.5.1 STARTTLS not available"); return }
            guard !overTLS else { reply(context, "503 5.5.1 TLS already active"); return }
            // The answer goes out in clear; everything after it through TLS. RFC 3207: the session
            // starts over (no EHLO, no AUTH), and nothing the client pipelined after STARTTLS counts.
            reply(context, "220 2.0.0 Ready to start TLS")
            try? context.pipeline.syncOperations.addHandler(SinkTLSHandler(certificate: certificate), position: .first)
            overTLS = true
            pending = []
            mailFrom = nil
            recipients = []
            user = nil
        case "HELO":
            reply(context, "250 sink.roch.test")
        case "AUTH":
            let parts = text.split(separator: " ").map(String.init)
            let mechanism = parts.count > 1 ? parts[1].uppercased() : ""
            if mechanism == "PLAIN" {
                if parts.count > 2 { finishPlain(parts[2], context) } else { state = .authPlain; reply(context, "334 ") }
            } else if mechanism == "LOGIN" {
                if parts.count > 2 {
                    state = .authLoginPassword(decode64(parts[2]) ?? "")
                    reply(context, "334 UGFzc3dvcmQ6")
                } else {
                    state = .authLoginUser
                    reply(context, "334 VXNlcm5hbWU6")
                }
            } else {
                reply(context, "504 5.5.4 Unrecognized authentication type")
            }
        case "MAIL":
            if sink?.credentials != nil && user == nil { reply(context, "530 5.7.0 Authentication required"); return }
            mailFrom = address(in: text)
            recipients = []
            reply(context, "250 2.1.0 Ok")
        case "RCPT":
            guard mailFrom != nil else { reply(context, "503 5.5.1 Error: need MAIL command"); return }
            recipients.append(address(in: text))
            reply(context, "250 2.1.5 Ok")
        case "DATA":
            guard mailFrom != nil, !recipients.isEmpty else { reply(context, "503 5.5.1 Error: need RCPT command"); return }
            state = .data
            dataLines = []
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            mailFrom = nil
            recipients = []
            reply(context, "250 2.0.0 Ok")
        case "NOOP":
            reply(context, "250 2.0.0 Ok")
        case "QUIT":
            let buffer = context.channel.allocator.buffer(string: "221 2.0.0 Bye\r\n")
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            reply(context, "502 5.5.2 Error: command not recognized")
        }
    }

    private func finishPlain(_ encoded: String, _ context: ChannelHandlerContext) {
        // PLAIN: authzid NUL authcid NUL password.
        guard let data = Data(base64Encoded: encoded) else { reply(context, "501 5.5.2 Cannot decode response"); return }
        let fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 3 else { reply(context, "501 5.5.2 Malformed PLAIN response"); return }
        authenticate(fields[1], fields[2], context)
    }

    private func authenticate(_ name: String, _ password: String, _ context: ChannelHandlerContext) {
        if let expected = box.sink?.credentials, expected.user != name || expected.password != password {
            reply(context, "535 5.7.8 Error: authentication failed")
            return
        }
        user = name
        reply(context, "235 2.7.0 Authentication successful")
    }

    private func decode64(_ text: String) -> String? {
        Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) }
    }

    private func address(in command: String) -> String {
        guard let open = command.firstIndex(of: "<"), let close = command[open...].firstIndex(of: ">") else {
            return String(command.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces)
        }
        return String(command[command.index(after: open)..<close])
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text + "\r\n")), promise: nil)
    }
}
