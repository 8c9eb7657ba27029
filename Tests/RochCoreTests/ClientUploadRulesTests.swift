import Testing
@testable import RochCore

struct ClientUploadRulesTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13] + Array("IHDR".utf8)
    static let jpeg: [UInt8] = [0xff, 0xd8, 0xff, 0xe0, 0, 16] + Array("JFIF".utf8)
    static let webp: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)
    static let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0]
    static let pdf: [UInt8] = Array("%PDF-1.7\n%âãÏÓ\n".utf8)

    @Test func theTypeComesFromTheMagicNumber() {
        #expect(ClientUploadRules.sniff(Self.png) == .png)
        #expect(ClientUploadRules.sniff(Self.jpeg) == .jpeg)
        #expect(ClientUploadRules.sniff(Self.webp) == .webp)
        #expect(ClientUploadRules.sniff(Self.heic) == .heic)
        #expect(ClientUploadRules.sniff(Self.pdf) == .pdf)
    }

    @Test(arguments: [
        Array("#!/bin/sh\nrm -rf /\n".utf8),           // a script named stage.jpg
        Array("<svg onload=alert(1)>".utf8),            // SVG can carry script: refused
        Array("<html><script>".utf8),
        [0x4d, 0x5a, 0x90, 0x00],                       // a Windows executable
        [0x50, 0x4b, 0x03, 0x04],                       // ZIP (docx, ...)
        Array("RIFF\u{24}\0\0\0AVI ".utf8),             // RIFF but not WebP
        [0, 0, 0, 0x18] + Array("ftypisom".utf8),       // MP4 video, not a HEIC still
        [0x89, 0x50, 0x4e, 0x47],                       // a PNG signature cut short
        [0xff, 0xd8],
        [],
    ])
    func anythingElseIsRefusedWhateverItsName(_ bytes: [UInt8]) {
        #expect(ClientUploadRules.sniff(bytes) == nil)
    }

    @Test func sizeTypeAndQuotaAreChecked() {
        #expect(ClientUploadRules.check(Self.png, bookingBytes: 0, bookingFiles: 0) == .success(.png))
        #expect(ClientUploadRules.check([], bookingBytes: 0, bookingFiles: 0) == .failure(.empty))
        let big = Self.pdf + [UInt8](repeating: 0x20, count: ClientUploadRules.maxFileBytes)
        #expect(ClientUploadRules.check(big, bookingBytes: 0, bookingFiles: 0) == .failure(.tooLarge(bytes: big.count)))
        let exact = Self.pdf + [UInt8](repeating: 0x20, count: ClientUploadRules.maxFileBytes - Self.pdf.count)
        #expect(ClientUploadRules.check(exact, bookingBytes: 0, bookingFiles: 0) == .success(.pdf))
        #expect(ClientUploadRules.check(Array("#!/bin/sh".utf8), bookingBytes: 0, bookingFiles: 0) == .failure(.unsupportedType))
        #expect(ClientUploadRules.check(Self.png, bookingBytes: 0, bookingFiles: ClientUploadRules.maxBookingFiles)
                == .failure(.bookingQuotaFull(usedBytes: 0, files: ClientUploadRules.maxBookingFiles)))
        let nearlyFull = ClientUploadRules.maxBookingBytes - Self.png.count
        #expect(ClientUploadRules.check(Self.png, bookingBytes: nearlyFull, bookingFiles: 3) == .success(.png))
        #expect(ClientUploadRules.check(Self.png, bookingBytes: nearlyFull + 1, bookingFiles: 3)
                == .failure(.bookingQuotaFull(usedBytes: nearlyFull + 1, files: 3)))
    }

    @Test(arguments: [
        ("stage.png", ClientUploadRules.Kind.png, "stage.png"),
        ("Stage Photo.JPG", .jpeg, "Stage Photo.jpg"),
        ("evil.jpg", .pdf, "evil.pdf"),                              // the sniffed type's extension
        ("../../etc/passwd", .pdf, "passwd.pdf"),
        ("C:\\Users\\asha\\mandap.heic", .heic, "mandap.heic"),
        (".htaccess", .png, "htaccess.png"),
        ("-rf.png", .png, "rf.png"),
        ("a\u{0}b\r\nc.png", .png, "a_b__c.png"),
        ("x\u{202E}gnp.exe", .png, "x_gnp.png"),                     // right-to-left override
        ("$(reboot);`id`.png", .png, "_(reboot)__id_.png"),
        ("మండపం అలంకరణ.webp", .webp, "మండపం అలంకరణ.webp"),
        ("", .pdf, "upload.pdf"),
        ("...", .pdf, "upload.pdf"),
    ])
    func storedNamesAreSafe(_ original: String, _ kind: ClientUploadRules.Kind, _ expected: String) {
        #expect(ClientUploadRules.safeName(original, kind: kind) == expected)
    }

    @Test func longNamesAreCutKeepingTheExtension() {
        let name = ClientUploadRules.safeName(String(repeating: "ह", count: 500) + ".png", kind: .png)
        #expect(name.count == ClientUploadRules.maxNameLength)
        #expect(name.hasSuffix(".png"))
        #expect(ClientUploadRules.safeName(nil, kind: .jpeg) == "upload.jpg")
    }

    @Test func storageKeysLiveUnderTheirOwnPrefix() {
        #expect(ClientUploadRules.storageKey(bookingId: 42, random: "ab12", kind: .pdf) == "client-uploads/booking-42/ab12.pdf")
    }
}
