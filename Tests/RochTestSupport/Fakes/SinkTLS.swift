import COpenSSL
import Foundation
import NIOCore

/// A throwaway TLS identity for the SMTP sink: a self-signed certificate for 127.0.0.1, ::1 and
/// localhost, made with the `openssl` command in a temporary directory. Clients trust it by its
/// file (`caFile`, e.g. SMTP_CA_FILE), never by turning verification off.
public final class SinkCertificate: @unchecked Sendable {
    public let directory: URL
    /// The certificate (PEM): what a client puts in its CA file.
    public let caFile: String
    let keyFile: String
    let context: OpaquePointer

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("roch-sink-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        caFile = directory.appendingPathComponent("cert.pem").path
        keyFile = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", keyFile, "-out", caFile, "-days", "2", "-subj", "/CN=sink.roch.test",
                             "-addext", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"]
        let errors = Pipe()
        openssl.standardError = errors
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw Failure(description: "openssl could not make the sink's certificate: \(String(decoding: message, as: UTF8.self))")
        }
        guard let context = roch_tls_server_context(caFile, keyFile) else {
            throw Failure(description: "OpenSSL refused the sink's certificate or key in \(directory.path)")
        }
        self.context = context
    }

    deinit {
        SSL_CTX_free(context)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Server-side TLS for one sink connection after STARTTLS: ciphertext from the socket in,
/// plaintext to the SMTP session out, and the reverse for replies.
final class SinkTLSHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let certificate: SinkCertificate
    private let session: OpaquePointer

    init(certificate: SinkCertificate) {
        self.certificate = certificate
        session = roch_tls_session(certificate.context)
    }

    deinit { SSL_free(session) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { raw in _ = roch_tls_feed(session, raw.baseAddress, Int32(raw.count)) }
        var plain = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = plain.withUnsafeMutableBytes { roch_tls_read(session, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: plain[0..<Int(n)])))
                continue
            }
            sendPending(context, promise: nil)  // handshake messages, alerts
            if n < 0 { context.close(promise: nil) }
            return
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        buffer.withUnsafeReadableBytes { raw in _ = roch_tls_write(session, raw.baseAddress, Int32(raw.count)) }
        sendPending(context, promise: promise)
    }

    private func sendPending(_ context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while roch_tls_pending(session) > 0 {
            let n = chunk.withUnsafeMutableBytes { roch_tls_take(session, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { break }
            out += chunk[0..<Int(n)]
        }
        if out.isEmpty {
            promise?.succeed(())
            return
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: out)), promise: promise)
    }
}
