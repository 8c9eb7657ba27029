import Foundation
import RochApp
import Testing

@Suite struct VendorLinkConfigurationTests {
    let base = ["DATABASE_URL": "postgresql://localhost/roch"]

    @Test func aShortSecretIsAProblemThatSaysHowToMakeOne() {
        var env = base
        env["VENDOR_LINK_SECRET"] = "short"
        var problems: [String] = []
        do { _ = try Configuration(environment: env) } catch let e as Configuration.Problems { problems = e.problems } catch {}
        #expect(problems == [
            "VENDOR_LINK_SECRET must be at least 32 characters of random text (e.g. the output of `openssl rand -hex 32`), got 5",
        ])
    }

    @Test func withoutASecretNoLinksAreIssuedAndDoctorSaysSo() throws {
        let c = try Configuration(environment: base)
        #expect(c.vendorLinkSecret == nil)
        #expect(c.warnings.contains { $0.hasPrefix("VENDOR_LINK_SECRET is not set") })
        var env = base
        env["VENDOR_LINK_SECRET"] = String(repeating: "k", count: 32)
        #expect(try Configuration(environment: env).vendorLinkSecret == String(repeating: "k", count: 32))
    }

    @Test func aLinkIsBoundToItsClaimsItsSecretAndItsExpiry() throws {
        let links = VendorLinks(secret: String(repeating: "s", count: 40))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = links.token(assignmentID: 42, version: 3, expiresAt: now.addingTimeInterval(60))
        let claims = try links.verify(token, now: now).get()
        #expect(claims.assignmentID == 42 && claims.expiresAt == 1_800_000_060 && claims.version == 3)
        #expect(links.verify(token, now: now.addingTimeInterval(61)) == .failure(.expired(assignmentID: 42)))
        #expect(VendorLinks(secret: String(repeating: "t", count: 40)).verify(token, now: now) == .failure(.tampered))
        #expect(links.verify(token.replacingOccurrences(of: "42.", with: "43."), now: now) == .failure(.tampered))
        #expect(links.isValidCSRF(links.csrfToken(for: token), for: token))
        #expect(!links.isValidCSRF(links.csrfToken(for: token + "x"), for: token))
    }
}
