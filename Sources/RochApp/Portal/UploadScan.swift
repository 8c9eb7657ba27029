import Foundation
import RochHTTP

/// The virus-scan hook (UPLOAD_SCAN_COMMAND, docs/documents.md): the command runs through /bin/sh with
/// `{file}` replaced by the quoted path of the upload's scratch copy. Exit 0: clean. Exit 1: infected,
/// refused and never stored. Anything else (scanner missing, daemon down): refused as unavailable, so
/// an unscanned file never slips through when scanning is configured.
enum UploadScan {
    enum Verdict: Equatable { case clean, infected }

    static func run(_ command: String, file: String) async throws -> Verdict {
        let quoted = "'" + file.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command.replacingOccurrences(of: "{file}", with: quoted)]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.standardError
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        switch status {
        case 0: return .clean
        case 1: return .infected
        default:
            FileHandle.standardError.write(Data("UPLOAD_SCAN_COMMAND exited \(status)\n".utf8))
            throw HTTPError(503, code: "upload_scan_unavailable", "Uploads cannot be checked just now. Try again in a few minutes.",
                            headers: ["Retry-After": "60"])
        }
    }

    static let refused = HTTPError(422, code: "upload_rejected", "The virus scanner refused this file, so it was not stored. Send a different copy.",
                                   fields: ["file": "The virus scanner refused this file."])
}
