/// The network a request came from, as per-address rate limits count it. An IPv4 address counts on its
/// own; an IPv6 address counts by its /64, because a home or a server is handed a whole /64 and can
/// use a fresh address from it for every request. An IPv4-mapped IPv6 address (`::ffff:203.0.113.7`,
/// what a dual-stack socket reports for an IPv4 client) counts as the IPv4 address.
public enum ClientNetwork {
    /// The rate-limit key for a remote address: `"203.0.113.7"`, `"2001:db8:1:2::/64"` (RFC 5952 text); nil when the
    /// address is empty (no peer, e.g. a Unix socket). Text that is neither IPv4 nor IPv6 counts as itself.
    public static func rateLimitKey(for address: String) -> String? {
        var text = Substring(address.trimmingWhitespace())
        if text.isEmpty { return nil }
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }  // fe80::1%eth0: the zone is local
        if let v4 = ipv4(text) { return format(v4) }
        guard let v6 = ipv6(text) else { return String(address.prefix(100)) }
        if v6[0..<5].allSatisfy({ $0 == 0 }), v6[5] == 0xffff {
            return format([UInt8(v6[6] >> 8), UInt8(v6[6] & 0xff), UInt8(v6[7] >> 8), UInt8(v6[7] & 0xff)])
        }
        return format(Array(v6[0..<4]) + [0, 0, 0, 0]) + "/64"
    }

    /// RFC 5952 text: lower-case hex, the longest run of two or more zero groups (the first on a tie) as `::`.
    static func format(_ groups: [UInt16]) -> String {
        var best = (start: -1, count: 0), i = 0
        while i < groups.count {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < groups.count, groups[j] == 0 { j += 1 }
            if j - i > best.count { best = (i, j - i) }
            i = j
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.count >= 2 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.count)...].joined(separator: ":")
    }

    static func format(_ v4: [UInt8]) -> String { v4.map(String.init).joined(separator: ".") }

    /// Four decimal octets, each 0...255.
    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    /// Eight 16-bit groups from RFC 4291 text: `::` compression and a dotted IPv4 tail allowed.
    static func ipv6(_ text: Substring) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        var halves = [text]
        if let i = text.indices.first(where: { text[$0] == ":" && text.index(after: $0) < text.endIndex && text[text.index(after: $0)] == ":" }) {
            halves = [text[..<i], text[text.index(i, offsetBy: 2)...]]
            if halves[1].hasPrefix(":") || halves[1].contains("::") { return nil }
        }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, allowIPv4Tail, piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    out += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let n = UInt16(piece, radix: 16) else { return nil }
                    out.append(n)
                }
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
              head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
