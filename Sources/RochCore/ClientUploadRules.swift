/// What a client may upload on the portal (inspiration photos and documents), decided from the bytes
/// alone: the type is sniffed from the magic number and the browser's declared type and file name are
/// never trusted. Pure: the portal route and its tests share it.
public enum ClientUploadRules {
    /// A type clients may upload, with the extension and Content-Type the stored copy is served with.
    public enum Kind: String, Sendable, CaseIterable {
        case jpeg, png, webp, heic, pdf

        public var contentType: String {
            switch self {
            case .jpeg: "image/jpeg"
            case .png: "image/png"
            case .webp: "image/webp"
            case .heic: "image/heic"
            case .pdf: "application/pdf"
            }
        }

        public var fileExtension: String {
            switch self {
            case .jpeg: "jpg"
            case .png: "png"
            case .webp: "webp"
            case .heic: "heic"
            case .pdf: "pdf"
            }
        }
    }

    /// 10 MiB per file.
    public static let maxFileBytes = 10 << 20
    /// 100 MiB of live (not removed) uploads per booking.
    public static let maxBookingBytes = 100 << 20
    /// 50 live files per booking.
    public static let maxBookingFiles = 50
    /// Longest stored original name, in characters.
    public static let maxNameLength = 120

    /// The type from the first bytes, or nil for anything else (a script named `.jpg` is nil).
    public static func sniff(_ bytes: some Collection<UInt8>) -> Kind? {
        let head = Array(bytes.prefix(16))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        if starts([0xff, 0xd8, 0xff]) { return .jpeg }
        if starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) { return .png }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        // ISO-BMFF: size(4) "ftyp" brand(4); HEIC/HEIF still images.
        if starts(Array("ftyp".utf8), at: 4), head.count >= 12 {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis", "mif1", "msf1"].contains(brand) { return .heic }
        }
        return nil
    }

    /// Why an upload is refused, each with a message a client can act on.
    public enum Refusal: Error, Equatable, Sendable {
        case empty
        case tooLarge(bytes: Int)
        case unsupportedType
        case bookingQuotaFull(usedBytes: Int, files: Int)

        public var message: String {
            switch self {
            case .empty: "The file is empty. Choose the photo or document again."
            case .tooLarge: "The file is larger than 10 MB. Send a smaller photo (or a PDF under 10 MB)."
            case .unsupportedType: "Only JPEG, PNG, WebP or HEIC photos and PDF documents can be uploaded. The file's contents are none of these, whatever its name says."
            case .bookingQuotaFull: "This booking already holds the most uploads it can (\(ClientUploadRules.maxBookingFiles) files or 100 MB). Ask us to remove some first."
            }
        }
    }

    /// The sniffed type of an acceptable upload, given what the booking already holds.
    public static func check(_ bytes: [UInt8], bookingBytes: Int, bookingFiles: Int) -> Result<Kind, Refusal> {
        if bytes.isEmpty { return .failure(.empty) }
        if bytes.count > maxFileBytes { return .failure(.tooLarge(bytes: bytes.count)) }
        guard let kind = sniff(bytes) else { return .failure(.unsupportedType) }
        if bookingFiles >= maxBookingFiles || bookingBytes + bytes.count > maxBookingBytes {
            return .failure(.bookingQuotaFull(usedBytes: bookingBytes, files: bookingFiles))
        }
        return .success(kind)
    }

    /// The original name made safe to store and show: the last path component, control characters and
    /// path or shell-special characters replaced, at most `maxNameLength` characters, and the extension
    /// of the sniffed type (a `.jpg` that is a PDF becomes `.pdf`). Never empty, never hidden.
    public static func safeName(_ original: String?, kind: Kind) -> String {
        let last = (original ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var stem = ""
        for scalar in last.unicodeScalars {
            let bad = scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value)
                || "<>:\"|?*;`$&'\u{202E}\u{202D}\u{200E}\u{200F}".unicodeScalars.contains(scalar)
            stem.unicodeScalars.append(bad ? "_" : scalar)
        }
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        while stem.hasPrefix(".") || stem.hasPrefix(" ") || stem.hasPrefix("-") { stem.removeFirst() }
        while stem.hasSuffix(" ") || stem.hasSuffix(".") { stem.removeLast() }
        let room = maxNameLength - kind.fileExtension.count - 1
        if stem.count > room { stem = String(stem.prefix(room)) }
        if stem.isEmpty { stem = "upload" }
        return stem + "." + kind.fileExtension
    }

    /// The document store key of an upload: a separate prefix from issued documents, the booking, and a
    /// random part (hex) chosen by the caller; never the client's name.
    public static func storageKey(bookingId: Int64, random: String, kind: Kind) -> String {
        "client-uploads/booking-\(bookingId)/\(random).\(kind.fileExtension)"
    }
}
