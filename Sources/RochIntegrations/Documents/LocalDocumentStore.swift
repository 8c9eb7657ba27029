import Crypto
import Foundation

/// Documents as files under one directory (`DOCUMENTS_URL=file:///var/lib/roch/documents`).
/// A put writes a hidden temporary file beside the target, checks it, flushes it to disk and then
/// hard-links it into place: link(2) fails when the name exists, so nothing is ever replaced, and
/// the name appears only once the whole file is there.
public struct LocalDocumentStore: DocumentStore {
    public let root: String

    public init(root: String) { self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root }

    public var location: String { "file://\(root)" }

    public func putBlocking(key: String, file: String, sha256: String, size: Int64, contentType: String) throws(DocumentStoreError) {
        try DocumentKey.validate(key)
        let target = "\(root)/\(key)"
        do {
            let directory = (target as NSString).deletingLastPathComponent
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw DocumentStoreError(errno == EACCES ? .accessDenied : .io, "cannot create \(directory): \(error.localizedDescription)")
            }
            if access(target, F_OK) == 0 { throw DocumentStoreError(.alreadyExists, "\(key) already exists in \(location); documents are never replaced") }
            let temporary = "\(directory)/.\(UUID().uuidString).partial"
            defer { unlink(temporary) }
            try Self.copy(file, to: temporary, expecting: sha256, size: size, key: key)
            guard link(temporary, target) == 0 else {
                let code = errno
                if code == EEXIST { throw DocumentStoreError(.alreadyExists, "\(key) already exists in \(location); documents are never replaced") }
                throw DocumentStoreError(code == EACCES ? .accessDenied : .io, "cannot place \(target): \(String(cString: strerror(code)))")
            }
        }
    }

    public func get(key: String, to destination: String) async throws(DocumentStoreError) {
        try DocumentKey.validate(key)
        let source = "\(root)/\(key)"
        try await BlockingPool.shared.perform { () throws(DocumentStoreError) in
            guard access(source, F_OK) == 0 else { throw DocumentStoreError(.notFound, "\(key) is not in \(location)") }
            let temporary = destination + ".partial"
            defer { unlink(temporary) }
            try Self.copy(source, to: temporary, expecting: nil, size: nil, key: key)
            guard rename(temporary, destination) == 0 else {
                throw DocumentStoreError(.io, "cannot write \(destination): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Copies in chunks, hashing as it goes; flushed to disk before it returns.
    private static func copy(_ source: String, to destination: String, expecting sha256: String?, size: Int64?, key: String) throws(DocumentStoreError) {
        guard let input = fopen(source, "rb") else {
            throw DocumentStoreError(errno == EACCES ? .accessDenied : .io, "cannot read \(source): \(String(cString: strerror(errno)))")
        }
        defer { fclose(input) }
        guard let output = fopen(destination, "wbx") else {
            throw DocumentStoreError(errno == EACCES ? .accessDenied : .io, "cannot write \(destination): \(String(cString: strerror(errno)))")
        }
        var closed = false
        defer { if !closed { fclose(output) } }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, input) }
            if n == 0 { break }
            let written = buffer.withUnsafeBytes { bytes in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[0..<n]))
                return fwrite(bytes.baseAddress, 1, n, output)
            }
            guard written == n else { throw DocumentStoreError(.io, "writing \(destination) failed: \(String(cString: strerror(errno)))") }
            total += Int64(n)
        }
        guard ferror(input) == 0 else { throw DocumentStoreError(.io, "reading \(source) failed") }
        if let sha256, let size {
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            guard digest == sha256, total == size else {
                throw DocumentStoreError(.checksumMismatch, "\(source) for \(key) has SHA-256 \(digest) (\(total) bytes), expected \(sha256) (\(size) bytes); nothing was stored")
            }
        }
        guard fflush(output) == 0, fsync(fileno(output)) == 0 else { throw DocumentStoreError(.io, "flushing \(destination) failed: \(String(cString: strerror(errno)))") }
        closed = true
        guard fclose(output) == 0 else { throw DocumentStoreError(.io, "closing \(destination) failed") }
    }
}
