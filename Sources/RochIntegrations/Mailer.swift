import CCurl
import Crypto
import Foundation

/// Sends email over SMTP with libcurl: STARTTLS required for smtp:// (a server that does not offer
/// it gets nothing, not even the credentials), TLS from the first byte for smtps://, credentials
/// from the URL (`smtp://user:pass@host:587`). Certificates are always verified.
public struct Mailer: Sendable {
    public struct Configuration: Sendable {
        public var smtpURL: String
        /// The sender address (MAIL FROM and From:).
        public var from: String
        public var fromName: String?
        public var connectTimeout: Duration
        public var totalTimeout: Duration
        /// PEM certificates to trust instead of the system's (SMTP_CA_FILE); nil: the system's.
        public var caFile: String?

        public init(smtpURL: String, from: String, fromName: String? = "Roch Events",
                    connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(30), caFile: String? = nil) {
            self.smtpURL = smtpURL
            self.from = from
            self.fromName = fromName
            self.caFile = caFile
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Splits a `MAIL_FROM` value, `bookings@roch.example` or `Roch Events <bookings@roch.example>`,
    /// into name and address; nil when it is neither.
    public static func parseMailbox(_ text: String) -> (name: String?, address: String)? {
        let trimmed = text.trimmed(of: " \t")
        guard let open = trimmed.lastIndex(of: "<") else {
            return (try? MailComposer.validate(address: trimmed)) == nil ? nil : (nil, trimmed)
        }
        guard trimmed.hasSuffix(">") else { return nil }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        guard (try? MailComposer.validate(address: address)) != nil else { return nil }
        let name = String(trimmed[..<open]).trimmed(of: " \t\"")
        return (name.isEmpty ? nil : name, address)
    }

    /// The Message-ID for a message known by `key` (an outbox row's idempotency key): the same key
    /// always gives the same id, `<first 32 hex digits of SHA-256(key)@domain of MAIL_FROM>`, so a
    /// resend after a crash is recognisable (mail clients and servers see one message).
    public func messageID(forKey key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<\(digest)@\(domain)>"
    }

    /// Sends the message; returns its Message-ID (with angle brackets).
    public func send(_ message: EmailMessage) async throws(MailError) -> String {
        let composed = try MailComposer.compose(message, from: configuration.from, fromName: configuration.fromName)
        let result: Result<Void, MailError> = await withCheckedContinuation { continuation in
            BlockingPool.shared.run {
                do throws(MailError) {
                    try self.transfer(composed.data, to: message.to)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
        return composed.messageID
    }

    private func transfer(_ data: [UInt8], to recipient: String) throws(MailError) {
        let url = configuration.smtpURL
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw MailError(kind: .invalidConfiguration, message: "SMTP_URL must start with smtp:// or smtps://")
        }
        do { try Curl.ensureGlobalInit() } catch {
            throw MailError(kind: .network(error.kind), message: error.message)
        }
        guard let handle = curl_easy_init() else { throw MailError(kind: .network(.other), message: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let recipients: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }
        let source = ReadSource(data)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
            url.withCString { urlPointer in
                "<\(configuration.from)>".withCString { fromPointer in
                    _ = roch_curl_setopt_ptr(handle, CURLOPT_URL, urlPointer)
                    _ = roch_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    _ = roch_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBytes.baseAddress)
                    // TLS or nothing: smtps:// is TLS from the first byte, smtp:// must upgrade with
                    // STARTTLS before anything else (AUTH, the message) is said.
                    _ = roch_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
                    _ = roch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
                    _ = roch_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
                    if let caFile = configuration.caFile {
                        _ = caFile.withCString { roch_curl_setopt_ptr(handle, CURLOPT_CAINFO, $0) }
                    }
                    _ = roch_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
                    _ = roch_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.totalTimeout.milliseconds)
                    _ = roch_curl_setopt_ptr(handle, CURLOPT_MAIL_FROM, fromPointer)
                    _ = roch_curl_setopt_ptr(handle, CURLOPT_MAIL_RCPT, recipients)
                    _ = roch_curl_setopt_write(handle, CURLOPT_READFUNCTION, curlReadMessage)
                    _ = roch_curl_setopt_ptr(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
                    _ = roch_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                    return curl_easy_perform(handle)
                }
            }
        }
        withExtendedLifetime(source) {}
        guard code == CURLE_OK else {
            var reply = 0
            _ = roch_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if code == CURLE_USE_SSL_FAILED {
                throw MailError(kind: .tlsUnavailable, message: "the SMTP server at \(Self.hostAndPort(url)) does not offer STARTTLS, and smtp:// "
                                + "requires it (nothing was sent); use a server that offers it, or smtps:// for TLS from the first byte")
            }
            if [CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM].contains(code) {
                throw MailError(kind: .tlsUnavailable, message: "TLS with the SMTP server at \(Self.hostAndPort(url)) failed: \(message)"
                                + (configuration.caFile.map { " (trusting the certificates in SMTP_CA_FILE \($0))" } ?? ""))
            }
            let refused = [CURLE_LOGIN_DENIED, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_UPLOAD_FAILED, CURLE_WEIRD_SERVER_REPLY].contains(code) && reply >= 400
            throw MailError(kind: refused || code == CURLE_LOGIN_DENIED ? .rejected : .network(Curl.kind(of: code)),
                            message: message, smtpCode: reply == 0 ? nil : reply)
        }
    }
}

extension Mailer {
    /// `host:port` of an SMTP URL, without the credentials (for error messages).
    static func hostAndPort(_ url: String) -> String {
        let rest = url.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).dropFirst(2).first.map(String.init) ?? url
        let authority = rest.split(separator: "/").first.map(String.init) ?? rest
        return authority.split(separator: "@").last.map(String.init) ?? authority
    }
}

/// Hands the composed message to libcurl in pieces.
final class ReadSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private func curlReadMessage(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return 0 }
    let source = Unmanaged<ReadSource>.fromOpaque(context).takeUnretainedValue()
    let n = min(size * count, source.bytes.count - source.offset)
    guard n > 0 else { return 0 }
    source.bytes.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + source.offset, byteCount: n)
    }
    source.offset += n
    return n
}
