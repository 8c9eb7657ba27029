import Foundation

/// Runs PostgreSQL's own client programs (pg_dump, pg_restore) of the server's major version: an
/// older pg_dump refuses a newer server, and Debian installs each version under its own directory.
public enum PostgresTools {
    /// A program that failed: its exit status and what it wrote to stderr.
    public struct Failure: Error, CustomStringConvertible {
        public var program: String
        public var status: Int32
        public var stderr: String
        public var description: String { "\(program) exited with status \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// `PG_BINDIR`, else /usr/lib/postgresql/<major>/bin, else the newest installed version, else PATH.
    public static func path(of program: String, serverMajorVersion major: Int, environment: [String: String]) -> String {
        let fm = FileManager.default
        if let dir = environment["PG_BINDIR"], !dir.isEmpty { return dir + "/" + program }
        let exact = "/usr/lib/postgresql/\(major)/bin/\(program)"
        if fm.isExecutableFile(atPath: exact) { return exact }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted(by: >)
        for v in versions where v >= major && fm.isExecutableFile(atPath: "/usr/lib/postgresql/\(v)/bin/\(program)") {
            return "/usr/lib/postgresql/\(v)/bin/\(program)"
        }
        return program
    }

    /// Runs `executable` with `arguments` and waits; throws `Failure` on a non-zero exit.
    public static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(program: (executable as NSString).lastPathComponent, status: process.terminationStatus,
                          stderr: String(decoding: output, as: UTF8.self))
        }
    }
}

/// DATABASE_URL surgery: the same server with another database, the database's name, and a
/// password-free form for messages and manifests.
public enum DatabaseURL {
    public static func replacingDatabase(_ url: String, with name: String) -> String {
        if var c = URLComponents(string: url), c.scheme?.hasPrefix("postgres") == true {
            c.path = "/" + name
            return c.string ?? url
        }
        return url + " dbname=\(name)"
    }

    public static func databaseName(_ url: String) -> String? {
        if let c = URLComponents(string: url), c.scheme?.hasPrefix("postgres") == true {
            let name = String(c.path.drop(while: { $0 == "/" }))
            return name.isEmpty ? nil : name
        }
        for pair in url.split(separator: " ") where pair.hasPrefix("dbname=") { return String(pair.dropFirst(7)) }
        return nil
    }

    public static func redacted(_ url: String) -> String {
        if var c = URLComponents(string: url), c.scheme?.hasPrefix("postgres") == true {
            if c.password != nil { c.password = "***" }
            return c.string ?? url
        }
        return url.split(separator: " ").map { $0.hasPrefix("password=") ? "password=***" : String($0) }.joined(separator: " ")
    }
}
