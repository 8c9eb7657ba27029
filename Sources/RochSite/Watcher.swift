import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders (recursively) with inotify and reports changed file paths, debounced.
public final class Watcher {
    private let fd: Int32
    private var watches: [Int32: String] = [:]

    public init(directories: [String]) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw posixError("inotify_init1", directories.joined(separator: ", ")) }
        for d in directories { try add(d) }
    }

    deinit { close(fd) }

    private func add(_ dir: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { return }
        let mask = UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY)
        let wd = inotify_add_watch(fd, dir, mask)
        guard wd >= 0 else { throw posixError("inotify_add_watch", dir) }
        watches[wd] = dir
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !name.hasPrefix(".") {
            try add(dir + "/" + name)
        }
    }

    /// Blocks until something changes, then waits `settle` for more events and returns every path.
    public func next(settle: TimeInterval = 0.01) throws -> [String] {
        var paths: [String] = []
        try read(into: &paths, timeoutMs: -1)
        let deadline = Date().addingTimeInterval(settle)
        while Date() < deadline {
            try read(into: &paths, timeoutMs: Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    private func read(into paths: inout [String], timeoutMs: Int32) throws {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, timeoutMs)
        if ready <= 0 { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return }
        var offset = 0
        let headerSize = MemoryLayout<inotify_event>.size
        while offset + headerSize <= n {
            let (wd, mask, len) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                let ev = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                return (ev.wd, ev.mask, Int(ev.len))
            }
            var name = ""
            if len > 0 {
                let bytes = buffer[(offset + headerSize)..<(offset + headerSize + len)].prefix { $0 != 0 }
                name = String(decoding: bytes, as: UTF8.self)
            }
            offset += headerSize + len
            guard let dir = watches[wd], !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("~") else { continue }
            let path = dir + "/" + name
            if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { try? add(path) }
            paths.append(path)
        }
    }
}
