import Crypto
import Foundation

/// A file from `site/assets` or `site/static` as published.
public struct Asset: Sendable {
    /// Source path relative to its folder: `css/site.css`.
    public var source: String
    /// Published URL: `/css/site.3f2a9c1b0d.css` (fingerprinted for CSS and JS).
    public var url: String
    public var width: Int?
    public var height: Int?
}

/// Copies assets, fingerprinting CSS and JS so browsers can cache them forever.
public enum AssetPipeline {
    static let fingerprinted: Set<String> = ["css", "js"]

    /// `css/site.css` + content -> `css/site.<10 hex of SHA-256>.css`
    public static func fingerprintedName(_ path: String, data: Data) -> String {
        let digest = SHA256.hash(data: data)
        let hex = digest.prefix(5).map { String(format: "%02x", $0) }.joined()
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path + "." + hex }
        return path[..<dot] + "." + hex + path[dot...]
    }

    /// Processes every file under `root`; `fingerprint` false for `site/static` (copied verbatim).
    public static func process(root: String, fingerprint: Bool, writer: OutputWriter?) throws -> [Asset] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var assets: [Asset] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let full = root + "/" + rel
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
            if rel.split(separator: "/").last?.hasPrefix(".") == true { continue }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw BuildError(path: full, message: "cannot read asset")
            }
            let ext = (rel as NSString).pathExtension.lowercased()
            let published = fingerprint && fingerprinted.contains(ext) ? fingerprintedName(rel, data: data) : rel
            let size = ImageSize.of(data, ext: ext)
            assets.append(Asset(source: rel, url: "/" + published, width: size?.width, height: size?.height))
            try writer?.write(published, data)
        }
        return assets.sorted { $0.source < $1.source }
    }

    /// `css/site.css` -> `css_site_css`: Mustache reads dots as nesting, so keys use underscores.
    public static func templateKey(_ source: String) -> String {
        String(source.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}

/// Width and height of PNG, GIF, JPEG and SVG images, so pages reserve the space and do not shift.
public enum ImageSize {
    public static func of(_ data: Data, ext: String) -> (width: Int, height: Int)? {
        let b = [UInt8](data.prefix(ext == "svg" ? 4096 : 65536))
        switch ext {
        case "png":
            guard b.count >= 24, b[12...15].elementsEqual([73, 72, 68, 82]) else { return nil }
            return (be32(b, 16), be32(b, 20))
        case "gif":
            guard b.count >= 10 else { return nil }
            return (Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8)
        case "jpg", "jpeg":
            var i = 2
            while i + 9 < b.count {
                guard b[i] == 0xFF else { return nil }
                let marker = b[i + 1]
                let len = Int(b[i + 2]) << 8 | Int(b[i + 3])
                if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (Int(b[i + 7]) << 8 | Int(b[i + 8]), Int(b[i + 5]) << 8 | Int(b[i + 6]))
                }
                i += 2 + len
            }
            return nil
        case "svg":
            guard let text = String(bytes: b, encoding: .utf8), let start = text.range(of: "<svg") else { return nil }
            let tag = text[start.lowerBound...].prefix { $0 != ">" }
            if let w = attribute("width", in: tag).flatMap(number), let h = attribute("height", in: tag).flatMap(number) {
                return (w, h)
            }
            if let vb = attribute("viewBox", in: tag) {
                let n = vb.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
                if n.count == 4 { return (Int(n[2].rounded()), Int(n[3].rounded())) }
            }
            return nil
        default: return nil
        }
    }

    static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func number(_ s: String) -> Int? {
        let digits = s.hasSuffix("px") ? String(s.dropLast(2)) : s
        return Double(digits).map { Int($0.rounded()) }
    }
}
