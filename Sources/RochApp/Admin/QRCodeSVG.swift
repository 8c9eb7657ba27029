import CQRencode
import Foundation
import RochHTTP

/// A QR code as an inline SVG, encoded by libqrencode (Debian's libqrencode-dev) and drawn here:
/// one path of dark squares, a four-module quiet zone, black on white for every phone camera.
public enum QRCodeSVG {
    /// The SVG for `text` (medium error correction), or nil when it is too long for any QR code.
    /// `label` becomes the image's accessible name.
    public static func svg(for text: String, label: String, pixelsPerModule: Int = 6) -> String? {
        guard let modules = matrix(for: text) else { return nil }
        let quiet = 4
        let size = modules.count + 2 * quiet
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark {
                path += "M\(x + quiet) \(y + quiet)h1v1h-1z"
            }
        }
        let pixels = size * pixelsPerModule
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(htmlEscape(label))" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges"><rect width="\(size)" height="\(size)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }

    /// The modules, row by row (true = dark).
    public static func matrix(for text: String) -> [[Bool]]? {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = code.pointee.data!
        return (0..<width).map { y in (0..<width).map { x in data[y * width + x] & 1 == 1 } }
    }
}
