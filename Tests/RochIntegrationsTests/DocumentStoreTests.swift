import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import RochIntegrations
import RochTestSupport

/// A scratch directory per test with a file of known bytes in it.
struct Scratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "roch-documents-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// A file of `size` pseudo-random bytes (seeded, so reproducible), with its digest.
    func file(_ name: String, size: Int, seed: UInt8 = 1) throws -> (path: String, digest: FileDigest) {
        var bytes = [UInt8](repeating: 0, count: size)
        var x = UInt32(seed) &* 2_654_435_761 | 1
        for i in bytes.indices { x ^= x << 13; x ^= x >> 17; x ^= x << 5; bytes[i] = UInt8(truncatingIfNeeded: x) }
        let path = "\(directory)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, try FileDigest(path: path))
    }

    func contents(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite struct LocalDocumentStoreTests {
    @Test func aStoredDocumentComesBackByteForByteAndVerified() async throws {
        let scratch = try Scratch(); defer { scratch.remove() }
        let store = LocalDocumentStore(root: scratch.directory + "/store")
        let (path, digest) = try scratch.file("invoice.pdf", size: 300_000)
        try await store.put(key: "tax_invoice/2026-27/INV-2026-27-0001.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        let copy = scratch.directory + "/copy.pdf"
        try await store.getVerified(key: "tax_invoice/2026-27/INV-2026-27-0001.pdf", sha256: digest.sha256, size: digest.size, to: copy)
        #expect(try scratch.contents(copy) == scratch.contents(path))
    }

    @Test func anIssuedDocumentIsNeverReplaced() async throws {
        let scratch = try Scratch(); defer { scratch.remove() }
        let store = LocalDocumentStore(root: scratch.directory + "/store")
        let first = try scratch.file("a.pdf", size: 1_000, seed: 1), second = try scratch.file("b.pdf", size: 1_000, seed: 2)
        try await store.put(key: "k/doc.pdf", file: first.path, sha256: first.digest.sha256, size: first.digest.size, contentType: "application/pdf")
        let error = await #expect(throws: DocumentStoreError.self) {
            try await store.put(key: "k/doc.pdf", file: second.path, sha256: second.digest.sha256, size: second.digest.size, contentType: "application/pdf")
        }
        #expect(error?.kind == .alreadyExists)
        #expect(try scratch.contents(scratch.directory + "/store/k/doc.pdf") == scratch.contents(first.path))
    }

    @Test func bytesThatDoNotMatchTheRecordedChecksumAreNotStoredAndLeaveNothingBehind() async throws {
        let scratch = try Scratch(); defer { scratch.remove() }
        let store = LocalDocumentStore(root: scratch.directory + "/store")
        let (path, digest) = try scratch.file("a.pdf", size: 200_000)
        let error = await #expect(throws: DocumentStoreError.self) {
            try await store.put(key: "k/doc.pdf", file: path, sha256: String(repeating: "0", count: 64), size: digest.size, contentType: "application/pdf")
        }
        #expect(error?.kind == .checksumMismatch)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory + "/store/k").isEmpty) // no temporary file left either
    }

    @Test func aChangedOrMissingObjectIsDetectedOnRead() async throws {
        let scratch = try Scratch(); defer { scratch.remove() }
        let store = LocalDocumentStore(root: scratch.directory + "/store")
        let (path, digest) = try scratch.file("a.pdf", size: 5_000)
        try await store.put(key: "k/doc.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        let stored = scratch.directory + "/store/k/doc.pdf"
        chmod(stored, 0o644)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: stored))
        try handle.seek(toOffset: 100); try handle.write(contentsOf: Data([0xFF, 0x00])); try handle.close()
        let changed = await #expect(throws: DocumentStoreError.self) {
            try await store.getVerified(key: "k/doc.pdf", sha256: digest.sha256, size: digest.size, to: scratch.directory + "/out.pdf")
        }
        #expect(changed?.kind == .checksumMismatch)
        #expect(!FileManager.default.fileExists(atPath: scratch.directory + "/out.pdf"))
        try FileManager.default.removeItem(atPath: stored)
        let missing = await #expect(throws: DocumentStoreError.self) {
            try await store.getVerified(key: "k/doc.pdf", sha256: digest.sha256, size: digest.size, to: scratch.directory + "/out.pdf")
        }
        #expect(missing?.kind == .notFound)
    }

    @Test(arguments: ["../etc/passwd", "/abs.pdf", "a//b.pdf", "a/.hidden", "a b.pdf", ""])
    func keysThatCouldEscapeTheDirectoryAreRefused(key: String) async throws {
        let scratch = try Scratch(); defer { scratch.remove() }
        let (path, digest) = try scratch.file("a.pdf", size: 10)
        let error = await #expect(throws: DocumentStoreError.self) {
            try await LocalDocumentStore(root: scratch.directory).put(key: key, file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        }
        #expect(error?.kind == .invalidKey)
    }
}

/// Against moto's S3 server on loopback, with signatures checked: every request here is signed by libcurl.
@Suite(.serialized) struct S3DocumentStoreTests {
    func store(_ server: S3TestServer, secret: String? = nil, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(50)),
               onRetry: (@Sendable (Int, DocumentStoreError) -> Void)? = nil) -> S3DocumentStore {
        S3DocumentStore(settings: .init(bucket: server.bucket, prefix: "documents", region: server.region, endpoint: server.endpoint,
                                        accessKeyID: server.accessKeyID, secretAccessKey: secret ?? server.secretAccessKey),
                        retry: retry, onRetry: onRetry)
    }

    @Test func uploadAndDownloadStreamTheSameBytes() async throws {
        let server = try S3TestServer(); defer { server.shutdown() }
        let scratch = try Scratch(); defer { scratch.remove() }
        let s3 = store(server)
        let (path, digest) = try scratch.file("big.pdf", size: 3 * 1024 * 1024 + 17)
        try await s3.put(key: "tax_invoice/INV-0001.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        try await s3.getVerified(key: "tax_invoice/INV-0001.pdf", sha256: digest.sha256, size: digest.size, to: scratch.directory + "/back.pdf")
        #expect(try scratch.contents(scratch.directory + "/back.pdf") == scratch.contents(path))
        let again = await #expect(throws: DocumentStoreError.self) {
            try await s3.put(key: "tax_invoice/INV-0001.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        }
        #expect(again?.kind == .alreadyExists)
        let missing = await #expect(throws: DocumentStoreError.self) { try await s3.get(key: "tax_invoice/none.pdf", to: scratch.directory + "/none.pdf") }
        #expect(missing?.kind == .notFound)
    }

    @Test func anObjectChangedInTheBucketIsDetectedOnRead() async throws {
        let server = try S3TestServer(); defer { server.shutdown() }
        let scratch = try Scratch(); defer { scratch.remove() }
        let s3 = store(server)
        let original = try scratch.file("a.pdf", size: 10_000, seed: 3), other = try scratch.file("b.pdf", size: 10_000, seed: 4)
        try await s3.put(key: "r/RE-0001.pdf", file: original.path, sha256: original.digest.sha256, size: original.digest.size, contentType: "application/pdf")
        // someone with bucket access overwrites the object behind the platform's back
        let overwrite = HTTPRequest(method: "PUT", url: s3.url(for: "r/RE-0001.pdf"), headers: [("x-amz-content-sha256", other.digest.sha256)],
                                    bodyFile: FileBody(path: other.path, size: other.digest.size, sha256: other.digest.sha256),
                                    signing: AWSSigV4(accessKeyID: server.accessKeyID, secretAccessKey: server.secretAccessKey, region: server.region, service: "s3"))
        #expect(try await HTTPClient().send(overwrite).status == 200)
        let error = await #expect(throws: DocumentStoreError.self) {
            try await s3.getVerified(key: "r/RE-0001.pdf", sha256: original.digest.sha256, size: original.digest.size, to: scratch.directory + "/out.pdf")
        }
        #expect(error?.kind == .checksumMismatch)
        #expect(error?.message.contains("has changed since it was issued") == true)
    }

    @Test func wrongCredentialsAreRefusedWithAMessageNamingTheSettings() async throws {
        let server = try S3TestServer(); defer { server.shutdown() }
        let scratch = try Scratch(); defer { scratch.remove() }
        let (path, digest) = try scratch.file("a.pdf", size: 1_000)
        let error = await #expect(throws: DocumentStoreError.self) {
            try await store(server, secret: "not-the-secret").put(key: "k/a.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        }
        #expect(error?.kind == .accessDenied)
        #expect(error?.message.contains("SignatureDoesNotMatch") == true)
        #expect(error?.message.contains("S3_SECRET_ACCESS_KEY") == true)
        let missing = await #expect(throws: DocumentStoreError.self) { try await store(server).get(key: "k/a.pdf", to: scratch.directory + "/x") }
        #expect(missing?.kind == .notFound)
    }

    @Test func aServerThatIsDownAtFirstIsRetriedUntilItAnswers() async throws {
        let server = try S3TestServer(); defer { server.shutdown() }
        let scratch = try Scratch(); defer { scratch.remove() }
        let (path, digest) = try scratch.file("a.pdf", size: 50_000)
        try server.stop()
        let retries = NIOLockedValueBox<[Int]>([])
        let s3 = store(server) { attempt, error in
            retries.withLockedValue { $0.append(attempt) }
            #expect(error.kind == .unavailable)
            if attempt == 1 { try? server.start() } // the server comes back before the second attempt
        }
        try await s3.put(key: "k/a.pdf", file: path, sha256: digest.sha256, size: digest.size, contentType: "application/pdf")
        #expect(retries.withLockedValue { $0 } == [1])
        try await s3.getVerified(key: "k/a.pdf", sha256: digest.sha256, size: digest.size, to: scratch.directory + "/back.pdf")

        try server.stop()
        let gone = await #expect(throws: DocumentStoreError.self) {
            try await store(server, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))).get(key: "k/a.pdf", to: scratch.directory + "/x")
        }
        #expect(gone?.kind == .unavailable)
        #expect(gone?.message.contains("could not be reached") == true)
    }

    @Test func aFileThatChangesWhileUploadingIsNeverVisibleInTheBucket() async throws {
        let server = try S3TestServer(); defer { server.shutdown() }
        let scratch = try Scratch(); defer { scratch.remove() }
        let s3 = store(server)
        let (path, digest) = try scratch.file("a.pdf", size: 2 * 1024 * 1024)
        // the recorded digest no longer matches the bytes: the transfer is cut before its last byte
        let error = await #expect(throws: DocumentStoreError.self) {
            try await s3.put(key: "k/half.pdf", file: path, sha256: String(repeating: "a", count: 64), size: digest.size, contentType: "application/pdf")
        }
        #expect(error?.kind == .checksumMismatch)
        let missing = await #expect(throws: DocumentStoreError.self) { try await s3.get(key: "k/half.pdf", to: scratch.directory + "/x") }
        #expect(missing?.kind == .notFound)
    }
}
