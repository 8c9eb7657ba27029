/// Where to send a staff member after sign-in: only a local `/admin` path, never another site.
///
/// `next` comes from the address bar, so it is hostile until shown otherwise: `//evil.example`
/// and `/\evil.example` are other hosts to a browser, and `%2F%2F`, tabs or newlines hide them.
public enum AdminReturnPath {
    public static let home = "/admin/"

    /// `raw` when it is a plain path under /admin, else the admin home page.
    public static func sanitise(_ raw: String?) -> String {
        guard let raw, isSafe(raw) else { return home }
        return raw
    }

    /// A backslash or `@` can turn a path into a host; quotes and angle brackets have no business in our paths.
    static let refused: Set<UInt8> = Set("\\@\"'<>`".utf8)

    public static func isSafe(_ path: String) -> Bool {
        guard path.utf8.count <= 2048, path == "/admin" || path.hasPrefix("/admin/") || path.hasPrefix("/admin?") else { return false }
        for b in path.utf8 {
            // no controls, spaces, backslashes or anything a browser would re-read as a host or scheme
            if b < 0x21 || b == 0x7f || b >= 0x80 || Self.refused.contains(b) { return false }
        }
        // Percent escapes of '/', '\', '.' and '%' could decode to '//' or '..' somewhere down the line.
        let lowered = path.lowercased()
        for escape in ["%2f", "%5c", "%2e", "%25", "%00", "%09", "%0a", "%0d"] where lowered.contains(escape) { return false }
        if path.contains("//") || path.contains("/..") || path.contains("/./") { return false }
        return true
    }
}
