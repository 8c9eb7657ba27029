import RochCore
import Testing

/// Per-address rate limits count IPv4 addresses one by one and IPv6 addresses by their /64.
@Suite struct ClientNetworkTests {
    @Test func anIPv4AddressCountsOnItsOwn() {
        #expect(ClientNetwork.rateLimitKey(for: "203.0.113.7") == "203.0.113.7")
        #expect(ClientNetwork.rateLimitKey(for: "203.0.113.8") == "203.0.113.8")
        #expect(ClientNetwork.rateLimitKey(for: " 10.0.0.1 ") == "10.0.0.1")
    }

    @Test func everyAddressOfAnIPv6Slash64CountsAsOne() {
        let key = "2001:db8:1:2::/64"
        for address in ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:0:0:0:9",
                        "[2001:db8:1:2::abcd]", "2001:db8:1:2:3:4:5.6.7.8", "2001:db8:1:2::1%eth0"] {
            #expect(ClientNetwork.rateLimitKey(for: address) == key, "\(address)")
        }
        #expect(ClientNetwork.rateLimitKey(for: "2001:db8:1:3::1") == "2001:db8:1:3::/64")
        // RFC 5952 text, as inet_ntop writes it
        #expect(ClientNetwork.rateLimitKey(for: "::1") == "::/64")
        #expect(ClientNetwork.rateLimitKey(for: "fe80::1") == "fe80::/64")
        #expect(ClientNetwork.rateLimitKey(for: "2001:db8::") == "2001:db8::/64")
        #expect(ClientNetwork.rateLimitKey(for: "2001:0:0:1:2::") == "2001:0:0:1::/64")
        #expect(ClientNetwork.rateLimitKey(for: "0:1:0:0:9::") == "0:1::/64")
    }

    @Test func anIPv4MappedIPv6AddressCountsAsItsIPv4Address() {
        #expect(ClientNetwork.rateLimitKey(for: "::ffff:203.0.113.7") == "203.0.113.7")
        #expect(ClientNetwork.rateLimitKey(for: "::FFFF:cb00:7107") == "203.0.113.7")
        #expect(ClientNetwork.rateLimitKey(for: "0:0:0:0:0:ffff:203.0.113.7") == "203.0.113.7")
        // the mapped form of another IPv4 address is another key
        #expect(ClientNetwork.rateLimitKey(for: "::ffff:203.0.113.8") == "203.0.113.8")
    }

    @Test func noAddressHasNoKeyAndOddTextCountsAsItself() {
        #expect(ClientNetwork.rateLimitKey(for: "") == nil)
        #expect(ClientNetwork.rateLimitKey(for: "  ") == nil)
        for odd in ["unix", "1.2.3", "256.1.1.1", "1:2:3", "1::2::3", "2001:db8:::1", "12345::1", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3"] {
            #expect(ClientNetwork.rateLimitKey(for: odd) == odd, "\(odd)")
        }
    }
}
