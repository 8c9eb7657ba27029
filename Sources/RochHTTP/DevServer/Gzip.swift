import Foundation

/// gzip for the dev server's text responses. zlib is loaded with dlopen (it is on every Debian system,
/// libpq and libcurl depend on it) so RochHTTP needs no extra system-library target for a dev-only feature.
enum Gzip {
    private typealias Compress2 = @convention(c) (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>, UInt, Int32) -> Int32
    private typealias CompressBound = @convention(c) (UInt) -> UInt
    private typealias CRC32 = @convention(c) (UInt, UnsafePointer<UInt8>?, UInt32) -> UInt

    private struct Zlib: @unchecked Sendable {
        let compress2: Compress2
        let compressBound: CompressBound
        let crc32: CRC32
    }

    private static let zlib: Zlib? = {
        for name in ["libz.so.1", "libz.so", "libz.dylib"] {
            guard let h = dlopen(name, RTLD_NOW) else { continue }
            guard let c = dlsym(h, "compress2"), let b = dlsym(h, "compressBound"), let r = dlsym(h, "crc32") else { continue }
            return Zlib(compress2: unsafeBitCast(c, to: Compress2.self), compressBound: unsafeBitCast(b, to: CompressBound.self),
                        crc32: unsafeBitCast(r, to: CRC32.self))
        }
        return nil
    }()

    static var isAvailable: Bool { zlib != nil }

    /// A gzip member (RFC 1952) holding `data`, or nil when zlib is missing.
    static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8]? {
        guard let z = zlib, data.count < Int(UInt32.max) else { return nil }
        var destLength = z.compressBound(UInt(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLength))
        let status = data.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                z.compress2(dst.baseAddress!, &destLength, src.baseAddress ?? UnsafePointer(bitPattern: 1)!, UInt(data.count), level)
            }
        }
        guard status == 0, destLength >= 6 else { return nil }
        // compress2 writes a zlib stream: 2-byte header, raw deflate, 4-byte Adler-32. gzip wants the raw deflate.
        let deflate = dest[2..<(Int(destLength) - 4)]
        let crc = data.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: z.crc32(0, $0.baseAddress, UInt32(data.count))) }
        let size = UInt32(truncatingIfNeeded: data.count)
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
        out += deflate
        for v in [crc, size] { out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
        return out
    }
}
