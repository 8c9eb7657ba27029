import Foundation
import RochCore
import RochIntegrations
import RochStore

/// The one place that reads the platform's environment variables (DESIGN.md section 4).
/// Parsing is pure: give it a dictionary, get every problem at once.
public struct Configuration: Sendable, Equatable {
    public struct Razorpay: Sendable, Equatable {
        public var keyID: String
        public var keySecret: String
        public var webhookSecret: String
        public var apiBase: String
    }

    public struct WhatsApp: Sendable, Equatable {
        public var accessToken: String
        public var phoneNumberID: String
        public var appSecret: String
        public var verifyToken: String
        public var apiBase: String
    }

    public struct Mail: Sendable, Equatable {
        public var smtpURL: String
        public var from: String
        /// SMTP_CA_FILE: PEM certificates to trust for the SMTP server instead of the system's (a
        /// private relay's CA; the tests' throwaway certificate). Verification itself is never off.
        public var caFile: String? = nil
    }

    public var databaseURL: String
    public var siteURL: String
    public var port: Int
    /// nil when not configured: payment links stay `pending: Razorpay not configured`.
    public var razorpay: Razorpay?
    /// nil when not configured: messages are logged as `skipped: WhatsApp not configured`.
    public var whatsApp: WhatsApp?
    /// nil when not configured: email is logged as `skipped: email not configured`.
    public var mail: Mail?
    /// Team members who get team notifications on WhatsApp (E.164).
    public var staffWhatsApp: [String]
    /// The GSTIN printed on receipts (BUSINESS_GSTIN); nil until the business sets it.
    public var businessGSTIN: String?
    /// Signs vendors' self-service links (HMAC-SHA256); nil when not configured: no links are issued.
    public var vendorLinkSecret: String?
    /// The hour the 48 h event reminder is timed against while a booking has no agreed start time
    /// (EVENT_DEFAULT_START_TIME, "HH:MM" in Asia/Kolkata, default 10:00; see ReminderPlan).
    public var eventDefaultStartTime: TimeOfDay
    public static let defaultEventStartTime = TimeOfDay(hour: 10, minute: 0)!
    /// A staff session ends after this long without a request (ROCH_STAFF_IDLE_MINUTES, default 180).
    public var staffSessionIdle: TimeInterval
    /// A staff session ends this long after sign-in whatever happens (ROCH_STAFF_ABSOLUTE_HOURS, default 12).
    public var staffSessionAbsolute: TimeInterval
    /// Where issued documents are kept (DOCUMENTS_URL; default `.data/documents` under the working directory).
    public var documents: DocumentStorage
    /// A virus scanner run on each client upload before it is stored (UPLOAD_SCAN_COMMAND, `{file}` = the file; exit 1 refuses).
    public var uploadScanCommand: String?
    /// The number prefix of each kind of document (DOCUMENT_SERIES).
    public var documentSeries: DocumentSeries
    /// Tax invoices for each payment or for each milestone once paid (TAX_INVOICE_PER=payment|milestone, default payment).
    public var taxInvoicePolicy: TaxInvoicePolicy

    /// Where issued documents' bytes live.
    public enum DocumentStorage: Sendable, Equatable {
        case local(directory: String)
        case s3(S3DocumentStore.Settings)
    }

    /// The development default: beside the private database under .data/.
    public static let defaultDocumentsDirectory = ".data/documents"
    /// WEBHOOK_REJECTED_LIMIT ("count/seconds", default 20/3600): webhook deliveries failing
    /// verification stored per provider and source address (IPv6: /64) per window; the rest are only counted.
    public var webhookRejectedLimit = RateLimiter.Limit(hits: 20, windowSeconds: 3_600)

    /// Every problem found, one line each, so an operator fixes them in one go.
    public struct Problems: Error, CustomStringConvertible, Equatable {
        public var problems: [String]
        public var description: String {
            "configuration has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    public static let defaultRazorpayBase = "https://api.razorpay.com"
    public static let defaultWhatsAppBase = "https://graph.facebook.com/v21.0"

    /// Reads the configuration; throws `Problems` listing every missing or malformed value.
    public init(environment env: [String: String]) throws {
        var problems: [String] = []
        func value(_ key: String) -> String? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func httpURL(_ key: String, default fallback: String? = nil) -> String {
            guard let v = value(key) ?? fallback else { return "" }
            guard let u = URL(string: v), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
                problems.append("\(key) must be an http(s) URL, got \(v.debugDescription)")
                return v
            }
            return v.hasSuffix("/") ? String(v.dropLast()) : v
        }

        if let db = value("DATABASE_URL") {
            if !(db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") || db.contains("dbname=")) {
                problems.append("DATABASE_URL must be a postgresql:// URL or a libpq connection string")
            }
            databaseURL = db
        } else {
            problems.append("DATABASE_URL is not set (make dev and make test set it for you; in production point it at your PostgreSQL)")
            databaseURL = ""
        }
        siteURL = httpURL("SITE_URL", default: "http://127.0.0.1:8080")
        uploadScanCommand = value("UPLOAD_SCAN_COMMAND")
        if let command = uploadScanCommand, !command.contains("{file}") { problems.append("UPLOAD_SCAN_COMMAND must contain {file}, e.g. clamdscan --no-summary --fdpass {file}") }

        if let p = value("PORT") {
            if let n = Int(p), (1...65535).contains(n) { port = n } else {
                problems.append("PORT must be a TCP port number (1-65535), got \(p.debugDescription)")
                port = 8080
            }
        } else { port = 8080 }

        // A provider is either fully configured or not at all: half a configuration is a mistake.
        func group(_ name: String, _ keys: [String]) -> [String]? {
            let present = keys.filter { value($0) != nil }
            if present.isEmpty { return nil }
            if present.count < keys.count {
                let missing = keys.filter { value($0) == nil }
                problems.append("\(name) is partly configured: set \(missing.joined(separator: ", ")) too (or unset \(present.joined(separator: ", ")))")
                return nil
            }
            return keys.map { value($0)! }
        }

        if let v = group("Razorpay", ["RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET"]) {
            if !(v[0].hasPrefix("rzp_test_") || v[0].hasPrefix("rzp_live_")) {
                problems.append("RAZORPAY_KEY_ID should start with rzp_test_ or rzp_live_")
            }
            razorpay = Razorpay(keyID: v[0], keySecret: v[1], webhookSecret: v[2],
                                apiBase: httpURL("RAZORPAY_API_BASE", default: Self.defaultRazorpayBase))
        } else { razorpay = nil }

        if let v = group("WhatsApp", ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"]) {
            if !v[1].allSatisfy(\.isNumber) { problems.append("WHATSAPP_PHONE_NUMBER_ID must be the numeric id from Meta's WhatsApp Manager") }
            whatsApp = WhatsApp(accessToken: v[0], phoneNumberID: v[1], appSecret: v[2], verifyToken: v[3],
                                apiBase: httpURL("WHATSAPP_API_BASE", default: Self.defaultWhatsAppBase))
        } else { whatsApp = nil }

        if let v = group("Email", ["SMTP_URL", "MAIL_FROM"]) {
            if !(v[0].hasPrefix("smtp://") || v[0].hasPrefix("smtps://")) {
                problems.append("SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS), e.g. smtps://user:pass@host:465")
            }
            if !Self.looksLikeEmail(v[1]) { problems.append("MAIL_FROM must be an email address, e.g. Roch Events <hello@rochevents.in>") }
            mail = Mail(smtpURL: v[0], from: v[1], caFile: value("SMTP_CA_FILE"))
        } else { mail = nil }
        if let limit = value("WEBHOOK_REJECTED_LIMIT") {
            let parts = limit.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let hits = parts[0], let seconds = parts[1], (0...100_000).contains(hits), (1...86_400 * 7).contains(seconds) {
                webhookRejectedLimit = .init(hits: hits, windowSeconds: seconds)
            } else {
                problems.append("WEBHOOK_REJECTED_LIMIT must be \"count/seconds\" (count 0-100000, seconds 1-604800), e.g. 20/3600, got \(limit.debugDescription)")
            }
        }

        staffWhatsApp = (value("STAFF_WHATSAPP") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for n in staffWhatsApp where !Self.isE164(n) {
            problems.append("STAFF_WHATSAPP entry \(n.debugDescription) is not a phone number in E.164 form (+919876543210)")
        }

        businessGSTIN = value("BUSINESS_GSTIN")?.uppercased()
        if let g = businessGSTIN, !Self.isGSTIN(g) {
            problems.append("BUSINESS_GSTIN must be a 15-character GSTIN like 27AAPFR1234K1Z5, got \(g.debugDescription)")
        }
        if let secret = value("VENDOR_LINK_SECRET") {
            if secret.utf8.count < 32 {
                problems.append("VENDOR_LINK_SECRET must be at least 32 characters of random text (e.g. the output of `openssl rand -hex 32`), got \(secret.utf8.count)")
            }
            vendorLinkSecret = secret
        } else { vendorLinkSecret = nil }
        eventDefaultStartTime = Self.defaultEventStartTime
        if let text = value("EVENT_DEFAULT_START_TIME") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
               let h = Int(parts[0]), let m = Int(parts[1]), let time = TimeOfDay(hour: h, minute: m) {
                eventDefaultStartTime = time
            } else {
                problems.append("EVENT_DEFAULT_START_TIME must be a time of day HH:MM in India time (e.g. 10:00 or 18:30), got \(text.debugDescription)")
            }
        }

        func whole(_ key: String, default fallback: Int, range: ClosedRange<Int>, unit: String) -> Int {
            guard let v = value(key) else { return fallback }
            guard let n = Int(v), range.contains(n) else {
                problems.append("\(key) must be a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound), got \(v.debugDescription)")
                return fallback
            }
            return n
        }
        staffSessionIdle = TimeInterval(whole("ROCH_STAFF_IDLE_MINUTES", default: 180, range: 1...24 * 60, unit: "minutes") * 60)
        staffSessionAbsolute = TimeInterval(whole("ROCH_STAFF_ABSOLUTE_HOURS", default: 12, range: 1...24 * 7, unit: "hours") * 3600)

        documents = Self.documentStorage(value("DOCUMENTS_URL"), accessKey: value("S3_ACCESS_KEY_ID"), secret: value("S3_SECRET_ACCESS_KEY"),
                                         problems: &problems)
        switch DocumentSeries.parse(value("DOCUMENT_SERIES") ?? "") {
        case .success(let series): documentSeries = series
        case .failure(let error):
            problems += error.problems.map { "DOCUMENT_SERIES: \($0)" }
            documentSeries = DocumentSeries()
        }
        taxInvoicePolicy = TaxInvoicePolicy(rawValue: value("TAX_INVOICE_PER") ?? "payment") ?? {
            problems.append("TAX_INVOICE_PER must be payment or milestone"); return .payment }()

        if !problems.isEmpty { throw Problems(problems: problems) }
    }

    /// `file:///var/lib/roch/documents` or `s3://BUCKET/PREFIX?region=ap-south-1&endpoint=https://...`
    /// (region defaults to ap-south-1; no endpoint means AWS itself) with both S3 keys set.
    static func documentStorage(_ text: String?, accessKey: String?, secret: String?, problems: inout [String]) -> DocumentStorage {
        guard let text else { return .local(directory: defaultDocumentsDirectory) }
        let example = "e.g. file:///var/lib/roch/documents or s3://roch-documents/issued?region=ap-south-1"
        guard let url = URLComponents(string: text), let scheme = url.scheme else {
            problems.append("DOCUMENTS_URL must be a file:// or s3:// URL (\(example)), got \(text.debugDescription)")
            return .local(directory: defaultDocumentsDirectory)
        }
        switch scheme {
        case "file":
            guard url.path.hasPrefix("/"), (url.host ?? "").isEmpty else {
                problems.append("DOCUMENTS_URL file:// needs an absolute path with three slashes, e.g. file:///var/lib/roch/documents")
                return .local(directory: defaultDocumentsDirectory)
            }
            return .local(directory: url.path)
        case "s3":
            let bucket = url.host ?? ""
            let validBucket = (3...63).contains(bucket.count)
                && bucket.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
            if !validBucket { problems.append("DOCUMENTS_URL names bucket \(bucket.debugDescription): S3 bucket names are 3-63 lowercase letters, digits, '-' or '.'") }
            let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
            let region = query["region"].flatMap { $0.isEmpty ? nil : $0 } ?? "ap-south-1"
            var endpoint: String? = nil
            if let e = query["endpoint"] {
                if let u = URL(string: e), ["http", "https"].contains(u.scheme ?? ""), u.host != nil { endpoint = e } else {
                    problems.append("DOCUMENTS_URL endpoint must be an http(s) URL of an S3-compatible service, got \(e.debugDescription)")
                }
            }
            if accessKey == nil || secret == nil {
                problems.append("DOCUMENTS_URL is an s3:// URL: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY too")
            }
            let prefix = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            return .s3(S3DocumentStore.Settings(bucket: bucket, prefix: prefix, region: region, endpoint: endpoint,
                                                accessKeyID: accessKey ?? "", secretAccessKey: secret ?? ""))
        default:
            problems.append("DOCUMENTS_URL must be a file:// or s3:// URL (\(example)), got \(text.debugDescription)")
            return .local(directory: defaultDocumentsDirectory)
        }
    }

    /// Notes for `roch doctor`: what runs in degraded mode because it is not configured.
    public var warnings: [String] {
        var w: [String] = []
        if razorpay == nil { w.append("Razorpay not configured: payment links stay 'pending: Razorpay not configured'") }
        if whatsApp == nil { w.append("WhatsApp not configured: messages are logged as 'skipped: WhatsApp not configured'") }
        if mail == nil { w.append("Email not configured: email is logged as 'skipped: email not configured'") }
        if vendorLinkSecret == nil { w.append("VENDOR_LINK_SECRET is not set: vendors get no self-service links (set it to `openssl rand -hex 32`)") }
        if staffWhatsApp.isEmpty { w.append("STAFF_WHATSAPP is empty: team notifications go by email only") }
        if businessGSTIN == nil { w.append("BUSINESS_GSTIN is not set: receipts say 'GSTIN not configured'") }
        if documents == .local(directory: Self.defaultDocumentsDirectory) {
            w.append("DOCUMENTS_URL is not set: documents are kept under .data/documents in the working directory (production: file:///var/lib/roch/documents or s3://...)")
        }
        return w
    }

    static func isE164(_ s: String) -> Bool {
        s.first == "+" && (8...15).contains(s.count - 1) && s.dropFirst().allSatisfy(\.isASCII) && s.dropFirst().allSatisfy(\.isNumber)
            && s.dropFirst().first != "0"
    }

    /// State code, PAN (5 letters, 4 digits, 1 letter), entity number, 'Z', check character.
    static func isGSTIN(_ s: String) -> Bool {
        let c = Array(s.utf8)
        func digit(_ i: Int) -> Bool { (48...57).contains(c[i]) }
        func letter(_ i: Int) -> Bool { (65...90).contains(c[i]) }
        guard c.count == 15 else { return false }
        return digit(0) && digit(1) && (2...6).allSatisfy(letter) && (7...10).allSatisfy(digit) && letter(11)
            && (digit(12) || letter(12)) && c[13] == 90 && (digit(14) || letter(14))
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let address = s.split(separator: "<").last.map { $0.replacingOccurrences(of: ">", with: "") } ?? s
        let parts = address.trimmingCharacters(in: .whitespaces).split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
    }
}

/// Reads a `.env` file (KEY=value lines, `#` comments, optional quotes). The real environment wins.
public enum EnvironmentFile {
    public static func merged(with environment: [String: String], path: String = ".env") -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return environment }
        var out = parse(text)
        for (k, v) in environment { out[k] = v }
        return out
    }

    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, f == value.last, f == "\"" || f == "'" {
                value = String(value.dropFirst().dropLast())
            }
            out[key] = value
        }
        return out
    }
}
