// What each libFuzzer target (Tests/Fuzz/<Target>) checks on one input, in one place: the fuzz
// executables call these, and RochFuzzReplayTests replays every committed seed and saved crash input
// through the same functions in `make test`, so the two cannot drift apart.

/// The check of each fuzz target on one input, by target name (the folder under Tests/Fuzz).
public enum FuzzChecks {
    /// One check: throws FuzzCheckFailure when an invariant breaks; returns whether the parser
    /// accepted the input (so a test can tell that a seed still reaches the accepting path).
    public typealias Check = @Sendable ([UInt8]) throws -> Bool

    public static let targets: [String: Check] = [
        "FuzzCGI": cgi,
        "FuzzFastCGI": fastCGI,
        "FuzzForm": form,
        "FuzzMultipart": multipart,
        "FuzzFrontMatter": frontMatter,
        "FuzzWebhook": webhook,
    ]

    /// libFuzzer's LLVMFuzzerTestOneInput body: runs `check` on the bytes and crashes on a failed
    /// invariant (the crash is what libFuzzer records as a finding).
    public static func crashOnFailure(_ check: Check, _ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        do { _ = try check(Array(UnsafeBufferPointer(start: data, count: size))) } catch {
            fatalError("\(error)")
        }
        return 0
    }
}

/// An invariant of a fuzz target that an input broke.
public struct FuzzCheckFailure: Error, CustomStringConvertible {
    public let description: String
}

/// Throws FuzzCheckFailure(message) unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw FuzzCheckFailure(description: message()) }
}
