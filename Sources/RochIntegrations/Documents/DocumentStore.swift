import Crypto
import Foundation

/// Where issued documents' bytes are kept (DOCUMENTS_URL): a local directory or an S3-compatible bucket.
/// Objects are immutable: `put` never replaces an existing key, and a reader never sees part of one.
public protocol DocumentStore: Sendable {
    /// Stores the file at `file` under `key`, once. The bytes must be `size` long with SHA-256
    /// `sha256` (lowercase hex) as they are read; otherwise nothing is stored. Blocks the calling
    /// thread (retries included): for database threads issuing a document inside a transaction.
    func putBlocking(key: String, file: String, sha256: String, size: Int64, contentType: String) throws(DocumentStoreError)
    /// Writes the object's bytes to the file at `destination` (created or replaced).
    func get(key: String, to destination: String) async throws(DocumentStoreError)
    /// "file:///var/lib/roch/documents" or "s3://bucket/prefix": for logs and `roch doctor`, never with secrets.
    var location: String { get }
}

extension DocumentStore {
    /// `putBlocking` on a thread outside Swift's cooperative pool.
    public func put(key: String, file: String, sha256: String, size: Int64, contentType: String) async throws(DocumentStoreError) {
        try await BlockingPool.shared.perform { () throws(DocumentStoreError) in
            try self.putBlocking(key: key, file: file, sha256: sha256, size: size, contentType: contentType)
        }
    }

    /// Fetches the object and checks it against the size and SHA-256 recorded when it was issued:
    /// a missing object is `.notFound`, a changed one `.checksumMismatch` (and `destination` is removed).
    public func getVerified(key: String, sha256: String, size: Int64, to destination: String) async throws(DocumentStoreError) {
        try await get(key: key, to: destination)
        let actual: FileDigest
        do { actual = try FileDigest(path: destination) } catch { throw DocumentStoreError(.io, "reading the downloaded \(key): \(error)") }
        guard actual.sha256 == sha256, actual.size == size else {
            unlink(destination)
            throw DocumentStoreError(.checksumMismatch, "\(key) in \(location) has changed since it was issued: SHA-256 \(actual.sha256) "
                                     + "(\(actual.size) bytes), recorded \(sha256) (\(size) bytes)")
        }
    }
}

/// Why the document store refused or failed; `message` says what to check.
public struct DocumentStoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No object under that key.
        case notFound
        /// The key is taken: documents are never replaced.
        case alreadyExists
        /// The object's bytes are not the ones recorded when it was issued.
        case checksumMismatch
        /// The store refused our credentials or permissions (wrong S3 keys, no write access to the directory).
        case accessDenied
        /// The store could not be reached or failed after retries.
        case unavailable
        /// The key has characters or parts a store key must not have.
        case invalidKey
        /// Local files could not be read or written.
        case io
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "document store: \(message)" }
}

/// The size and SHA-256 of a file, read in chunks (never the whole file in memory).
public struct FileDigest: Sendable, Equatable {
    public var sha256: String
    public var size: Int64

    public init(path: String) throws {
        guard let file = fopen(path, "rb") else { throw DocumentStoreError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += Int64(n)
        }
        guard ferror(file) == 0 else { throw DocumentStoreError(.io, "reading \(path) failed") }
        sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        size = total
    }
}

enum DocumentKey {
    /// Keys are relative paths of letters, digits, '.', '_', '-' separated by '/', with no empty,
    /// '.' or '..' part: the same key is then a safe file path and a safe S3 key without escaping.
    static func validate(_ key: String) throws(DocumentStoreError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-/".unicodeScalars.contains($0)
        }
        guard !key.isEmpty, key.utf8.count <= 512, allowed, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }) else {
            throw DocumentStoreError(.invalidKey, "\(key.debugDescription) is not a document key (letters, digits, '.', '_', '-' in parts separated by '/')")
        }
    }
}

extension BlockingPool {
    /// Runs blocking file work off Swift's cooperative threads.
    func perform<T: Sendable>(_ work: @escaping @Sendable () throws(DocumentStoreError) -> T) async throws(DocumentStoreError) -> T {
        let result: Result<T, DocumentStoreError> = await withCheckedContinuation { continuation in
            run {
                do throws(DocumentStoreError) { continuation.resume(returning: .success(try work())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
