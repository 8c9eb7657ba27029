import Foundation
import RochApp
import RochCore
import RochHTTP
import RochStore
import RochTestSupport
import Testing

/// Client uploads through the portal API against real PostgreSQL and the local document store.
@Suite struct PortalUploadTests {
    let world: PortalWorld
    let storeDirectory: String
    static let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13] + Array("IHDR".utf8) + [1, 2, 3, 0x0d, 0x0a, 0x2d, 0x2d]

    init() throws {
        let dir = NSTemporaryDirectory() + "roch-uploads-\(UUID().uuidString)"
        storeDirectory = dir
        world = try PortalWorld(environment: ["DOCUMENTS_URL": "file://" + dir])
    }

    init(world: PortalWorld) {
        self.world = world
        storeDirectory = ""
    }

    func post(_ cookie: String?, booking: String, filename: String = "stage.png", bytes: [UInt8], origin: String? = nil) async -> Response {
        let b = "----roch\(UUID().uuidString)"
        var body = Array("--\(b)\r\nContent-Disposition: form-data; name=\"booking\"\r\n\r\n\(booking)\r\n--\(b)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += bytes + Array("\r\n--\(b)--\r\n".utf8)
        var headers = Headers([("Accept", "application/json"), ("Content-Type", "multipart/form-data; boundary=\(b)")])
        if let cookie { headers.add("Cookie", "\(PortalAccess.cookieName)=\(cookie)") }
        if let origin { headers.add("Origin", origin) }
        return await ErrorResponder.respond({ try await world.api.handle($0) }, to: Request(method: "POST", path: "/api/portal/uploads", headers: headers, body: body))
    }

    func json(_ r: Response) throws -> [String: Any] { try JSONSerialization.jsonObject(with: Data(r.bodyBytes)) as! [String: Any] }

    @Test func aClientUploadsAPNGListsItAndDownloadsTheSameBytes() async throws {
        defer { try? FileManager.default.removeItem(atPath: storeDirectory) }
        let cookie = try await world.signIn(world.asha)
        let created = await post(cookie, booking: world.asha.bookingPublicID, filename: "../Stage \u{202E}gnp.exe", bytes: Self.png)
        #expect(created.status == 201)
        let view = try json(created)
        #expect(view["name"] as? String == "Stage _gnp.png")
        #expect(view["content_type"] as? String == "image/png")
        let list = try json(try await world.get("/api/portal/uploads", cookie: cookie))["uploads"] as! [[String: Any]]
        #expect(list.count == 1)
        let download = try await world.get(view["url"] as! String, cookie: cookie)
        #expect(download.status == 200 && download.bodyBytes == Self.png)
        #expect(download.headers["content-type"] == "image/png")
        let key: String = try world.sql("SELECT storage_key AS v FROM client_uploads")
        #expect(key.hasPrefix("client-uploads/booking-\(world.asha.bookingID)/"))
        // Ravi cannot see it, nor upload to Asha's booking.
        let ravi = try await world.signIn(world.ravi)
        #expect(try await world.get(view["url"] as! String, cookie: ravi).status == 404)
        #expect(try (json(try await world.get("/api/portal/uploads", cookie: ravi))["uploads"] as! [Any]).isEmpty)
        #expect(await post(ravi, booking: world.asha.bookingPublicID, bytes: Self.png).status == 404)
        // A changed object is refused, never served.
        let path = storeDirectory + "/" + key
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try Data(Self.png.reversed()).write(to: URL(fileURLWithPath: path))
        #expect(try await world.get(view["url"] as! String, cookie: cookie).status == 503)
    }

    @Test func aScriptNamedJpgIsA415AndAnOversizedFileA413AndNothingIsStored() async throws {
        defer { try? FileManager.default.removeItem(atPath: storeDirectory) }
        let cookie = try await world.signIn(world.asha)
        let script = await post(cookie, booking: world.asha.bookingPublicID, filename: "photo.jpg", bytes: Array("#!/bin/sh\necho pwned\n".utf8))
        #expect(script.status == 415)
        #expect((try json(script)["error"] as? [String: Any])?["code"] as? String == "unsupported_file_type")
        let big = await post(cookie, booking: world.asha.bookingPublicID, bytes: Self.png + [UInt8](repeating: 0, count: ClientUploadRules.maxFileBytes))
        #expect(big.status == 413)
        #expect(try world.sql("SELECT count(*) AS v FROM client_uploads") as Int64 == 0)
        #expect(await post(nil, booking: world.asha.bookingPublicID, bytes: Self.png).status == 401)
        #expect(await post(cookie, booking: world.asha.bookingPublicID, bytes: Self.png, origin: "https://evil.example").status == 403)
    }

    @Test func theUploadAndTheListMatchTheContractAndStateTheLimits() async throws {
        defer { try? FileManager.default.removeItem(atPath: storeDirectory) }
        let spec = URL(fileURLWithPath: TestDatabase.migrationsDirectory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/portal-api.yaml").path
        let schemas = try OpenAPISchemas(yaml: String(contentsOfFile: spec, encoding: .utf8))
        let cookie = try await world.signIn(world.asha)
        let created = await post(cookie, booking: world.asha.bookingPublicID, bytes: Self.png)
        #expect(created.status == 201)
        #expect(schemas.problems(try json(created), schema: "Upload") == [])
        #expect(try json(created)["booking"] as? String == world.asha.bookingPublicID)
        let list = try json(try await world.get("/api/portal/uploads", cookie: cookie))
        #expect(schemas.problems(list, schema: "UploadList") == [])
        let limits = list["limits"] as! [String: Any]
        #expect(limits["max_file_bytes"] as? Int == ClientUploadRules.maxFileBytes)
        #expect(limits["max_booking_files"] as? Int == ClientUploadRules.maxBookingFiles)
        #expect((limits["types"] as? [String])?.contains("application/pdf") == true)
    }

    @Test func aBrowserFormPostFromTheSitesOwnHostIsRedirectedToThePortal() async throws {
        defer { try? FileManager.default.removeItem(atPath: storeDirectory) }
        let cookie = try await world.signIn(world.asha)
        // nginx behind Debian's fastcgi_params passes Host without the port; the origin's host name decides
        for (host, origin, status) in [("portal.example:8080", "http://portal.example:8080", 303), ("portal.example", "http://portal.example:8080", 303),
                                       ("portal.example:8080", "http://portal.example:9090", 403), ("portal.example", "https://evil.example", 403)] {
            let b = "----roch\(UUID().uuidString)"
            var body = Array("--\(b)\r\nContent-Disposition: form-data; name=\"booking\"\r\n\r\n\(world.asha.bookingPublicID)\r\n--\(b)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n".utf8)
            body += Self.png + Array("\r\n--\(b)--\r\n".utf8)
            let headers = Headers([("Accept", "text/html"), ("Content-Type", "multipart/form-data; boundary=\(b)"), ("Host", host), ("Origin", origin),
                                   ("Cookie", "\(PortalAccess.cookieName)=\(cookie)")])
            let r = await ErrorResponder.respond({ try await world.api.handle($0) }, to: Request(method: "POST", path: "/api/portal/uploads", headers: headers, body: body))
            #expect(r.status == status, "\(host) \(origin)")
            if status == 303 { #expect(r.headers["location"]?.hasPrefix("/portal/?uploaded=up_") == true) }
        }
        #expect(try world.sql("SELECT count(*) AS v FROM client_uploads") as Int64 == 2)
    }
}

/// UPLOAD_SCAN_COMMAND with a tiny shell script as the scanner: it refuses files holding "EICAR".
@Suite struct PortalUploadScanTests {
    @Test func theScanCommandRefusesAnInfectedFileAndMarksACleanOneScanned() async throws {
        let dir = NSTemporaryDirectory() + "roch-scan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/scan.sh"
        try "#!/bin/sh\nif grep -q EICAR \"$1\"; then echo \"$1: Eicar FOUND\"; exit 1; fi\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let tests = PortalUploadTests(world: try PortalWorld(environment: ["DOCUMENTS_URL": "file://" + dir + "/store", "UPLOAD_SCAN_COMMAND": script + " {file}"]))
        let cookie = try await tests.world.signIn(tests.world.asha)
        let infected = await tests.post(cookie, booking: tests.world.asha.bookingPublicID, bytes: PortalUploadTests.png + Array("EICAR".utf8))
        #expect(infected.status == 422)
        #expect(try tests.world.sql("SELECT count(*) AS v FROM client_uploads") as Int64 == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/store/client-uploads"))
        let clean = await tests.post(cookie, booking: tests.world.asha.bookingPublicID, bytes: PortalUploadTests.png)
        #expect(clean.status == 201)
        #expect(try tests.world.sql("SELECT scan_status AS v FROM client_uploads") as String == "clean")
    }
}
