import Crypto
import Foundation

/// What `roch backup` writes next to each dump (`<name>.manifest.json`): enough to tell, without
/// restoring, when it was taken, from which release and schema, and how many rows each table held.
public struct BackupManifest: Codable, Sendable, Equatable {
    public var format = 1
    public var createdAt: Date
    /// The release that took it (ROCH_VERSION, the release's VERSION file, or the git commit).
    public var version: String
    public var database: String
    public var serverMajorVersion: Int
    /// The newest applied migration (`0017_operations`), nil before the first migration.
    public var migrationLevel: String?
    public var migrations: [String]
    /// Row counts per table, read in the same snapshot pg_dump dumped.
    public var tables: [String: Int64]
    public var dumpFile: String
    public var dumpBytes: Int64
    public var documentStore: DocumentStoreManifest?

    enum CodingKeys: String, CodingKey {
        case format, version, database, migrations, tables
        case createdAt = "created_at", serverMajorVersion = "server_major_version", migrationLevel = "migration_level"
        case dumpFile = "dump_file", dumpBytes = "dump_bytes", documentStore = "document_store"
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(BackupManifest.self, from: data)
    }
}

/// The document store as of the backup: its tables' row counts (`documents`, migration 0016, when
/// present) and, for a store on disk (DOCUMENTS_URL=file:///...), every file with its size and SHA-256.
/// An S3 store is recorded by its URL only: its bucket is backed up by the provider's versioning.
public struct DocumentStoreManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }

    public var tables: [String: Int64]
    public var url: String?
    public var directory: String?
    public var files: [File]

    /// The folder of a DOCUMENTS_URL=file:///path store (nil for S3 or none).
    public static func directory(environment: [String: String]) -> String? {
        guard let url = environment["DOCUMENTS_URL"], url.hasPrefix("file://") else { return nil }
        let path = String(url.dropFirst(7))
        return path.isEmpty ? nil : path
    }

    /// Nil when there is no document store (no `document*` table and no DOCUMENTS_URL).
    static func make(tables: [String: Int64], environment: [String: String]) throws -> DocumentStoreManifest? {
        let url = environment["DOCUMENTS_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let directory = Self.directory(environment: environment)
        let documentTables = tables.filter { $0.key.hasPrefix("document") }
        var files: [File] = []
        if let directory, let walker = FileManager.default.enumerator(atPath: directory) {
            for case let relative as String in walker {
                let full = directory + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let size = (try FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.int64Value ?? 0
                files.append(File(path: relative, bytes: size, sha256: try BackupDigest.sha256(path: full)))
            }
        }
        if documentTables.isEmpty && url == nil { return nil }
        let redacted = url.map { u in u.contains("@") ? u.replacingOccurrences(of: #"//[^@/]*@"#, with: "//", options: .regularExpression) : u }
        return DocumentStoreManifest(tables: documentTables, url: redacted, directory: directory, files: files.sorted { $0.path < $1.path })
    }
}

/// SHA-256 of files, read in chunks (dumps can be large), and the `sha256sum`-format checksum file.
public enum BackupDigest {
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `<hex>  <file name>` lines, as `sha256sum -c` reads them.
    public static func checksumFile(_ entries: [(file: String, sha256: String)]) -> String {
        entries.map { "\($0.sha256)  \($0.file)\n" }.joined()
    }

    /// The file name → hex digest pairs of a checksum file.
    public static func parseChecksumFile(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            out[String(parts[1].drop(while: { $0 == " " || $0 == "*" }))] = String(parts[0]).lowercased()
        }
        return out
    }
}
