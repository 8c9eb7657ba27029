import Foundation

/// How many wrong sign-ins lock what, and for how long (issue 15): keys are the account and the
/// address the attempt came from (an IPv6 /64, as one home or phone gets a whole /64).
public struct SignInThrottlePolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var windowSeconds: Int
    public var lockSeconds: Int

    public init(maxFailures: Int = 10, windowSeconds: Int = 5 * 60, lockSeconds: Int = 15 * 60) {
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.lockSeconds = lockSeconds
    }

    public static func accountKey(email: String) -> String { "account:" + email.lowercased() }

    /// `ip:203.0.113.7` or `ip:2001:db8:1:2::/64`; nil when `address` is not an IP address.
    public static func addressKey(_ address: String) -> String? {
        var text = address.trimmingCharacters(in: [" "])
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = String(text[text.index(after: text.startIndex)..<close]) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }  // zone id
        if let v4 = ipv4(text) { return "ip:" + v4.map(String.init).joined(separator: ".") }
        guard let groups = ipv6(text) else { return nil }
        // an IPv4-mapped address is that IPv4 address
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xffff {
            return "ip:\(groups[6] >> 8).\(groups[6] & 0xff).\(groups[7] >> 8).\(groups[7] & 0xff)"
        }
        return "ip:" + groups[0..<4].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    static func ipv6(_ s: String) -> [UInt16]? {
        guard s.contains(":"), s.utf8.count <= 45 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains("."), let v4 = ipv4(String(piece)) {
                    out += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                    continue
                }
                guard (1...4).contains(piece.count), let v = UInt16(piece, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        let halves = s.components(separatedBy: "::")
        switch halves.count {
        case 1:
            guard let g = groups(Substring(s)), g.count == 8 else { return nil }
            return g
        case 2:
            guard let head = groups(Substring(halves[0])), let tail = groups(Substring(halves[1])), head.count + tail.count <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}
