import Foundation
import RochFuzzChecks
import Testing

/// One committed fuzz input: Tests/Fuzz/<target>/seeds/<name> or Tests/Fuzz/<target>/crashes/<name>.
struct FuzzInput: CustomTestStringConvertible, Sendable {
    let target: String
    let kind: String  // "seeds" or "crashes"
    let name: String
    let path: String
    var testDescription: String { "\(target)/\(kind)/\(name)" }

    /// Tests/Fuzz, found from this file (the package's resources are not involved).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func targets() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }

    /// Every seed and saved crash input of every fuzz target.
    static func all() -> [FuzzInput] {
        targets().flatMap { target in
            ["seeds", "crashes"].flatMap { kind -> [FuzzInput] in
                let dir = root.appendingPathComponent(target).appendingPathComponent(kind)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                return names.filter { !$0.hasPrefix(".") }.sorted().map {
                    FuzzInput(target: target, kind: kind, name: $0, path: dir.appendingPathComponent($0).path)
                }
            }
        }
    }

    static func named(_ target: String, _ name: String) -> FuzzInput? {
        all().first { $0.target == target && $0.name == name }
    }

    func bytes() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
}

/// The fuzz targets run only under `make fuzz`; here every input they found or start from runs through the
/// same check (FuzzChecks), so a regression on a once-found input fails `make test`.
struct FuzzSeedReplayTests {
    @Test func everyFuzzTargetHasACheckAndSeeds() {
        let targets = FuzzInput.targets()
        #expect(targets == FuzzChecks.targets.keys.sorted())
        for target in targets {
            #expect(FuzzInput.all().contains { $0.target == target && $0.kind == "seeds" }, "\(target) has no seeds")
        }
    }

    @Test(arguments: FuzzInput.all())
    func everySeedAndCrashInputKeepsItsTargetsInvariants(input: FuzzInput) throws {
        let check = try #require(FuzzChecks.targets[input.target], "no check for \(input.target)")
        let bytes = try input.bytes()
        #expect(throws: Never.self) { _ = try check(bytes) }
    }

    /// Seeds that must still reach the parser's accepting path (a seed that no longer parses starts
    /// the fuzzer nowhere), and the broken ones that must still be refused with a located error.
    @Test(arguments: [
        ("FuzzCGI", "post", true),
        ("FuzzFastCGI", "request", true),
        ("FuzzForm", "form", true),
        ("FuzzMultipart", "two-parts", true),
        ("FuzzMultipart", "quoted-boundary-empty-part", true),
        ("FuzzMultipart", "hostile-names", false),
        ("FuzzMultipart", "truncated", false),
        ("FuzzFrontMatter", "valid.md", true),
        ("FuzzFrontMatter", "bom-crlf.md", true),
        ("FuzzFrontMatter", "crlf-bom-yaml-end-marker.md", true),
        ("FuzzFrontMatter", "bad-date.md", false),
        ("FuzzFrontMatter", "bad-yaml.md", false),
        ("FuzzFrontMatter", "unclosed.md", false),
        ("FuzzWebhook", "razorpay-payment-authorized.json", true),
        ("FuzzWebhook", "whatsapp-inbound.json", true),
        ("FuzzWebhook", "whatsapp-status.json", true),
    ])
    func seedsReachTheExpectedPath(target: String, name: String, accepted: Bool) throws {
        let input = try #require(FuzzInput.named(target, name), "\(target)/seeds/\(name) is missing")
        let check = try #require(FuzzChecks.targets[target])
        #expect(try check(input.bytes()) == accepted)
    }

}
