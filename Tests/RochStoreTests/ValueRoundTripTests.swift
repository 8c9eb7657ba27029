import Foundation
import RochStore
import RochTestSupport
import Testing

@Suite struct ValueRoundTripTests {
    let connection: Connection

    init() async throws {
        connection = try Connection(url: try await TestDatabase.makeEmpty())
        try connection.execute("""
            CREATE TABLE things (
                id bigserial PRIMARY KEY, t text, i integer, b bigint, ok boolean, at timestamptz,
                u uuid, j jsonb, tags text[], nums bigint[], raw bytea, d double precision)
            """)
    }

    @Test func everySupportedTypeRoundTrips() throws {
        let at = Date(timeIntervalSince1970: 1_764_000_000.123456)
        let uuid = UUID()
        let row = try connection.query("""
            INSERT INTO things (t, i, b, ok, at, u, j, tags, nums, raw, d)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *
            """, "नमस्ते, \"Ananya\"", 42, Int64.max, true, at, uuid, JSONB(#"{"a": [1, 2]}"#),
            ["mehndi", "has \"quotes\"", "back\\slash", "comma,inside", "NULL"], [Int64(1), -2, 3],
            ByteA([0, 255, 10, 13]), 2.5).first!
        #expect(try row.decode("t") == "नमस्ते, \"Ananya\"")
        #expect(try row.decode("i") == 42)
        #expect(try row.decode("b") == Int64.max)
        #expect(try row.decode("ok") == true)
        let readAt: Date = try row.decode("at")
        #expect(abs(readAt.timeIntervalSince(at)) < 0.000_001)
        #expect(try row.decode("u") == uuid)
        #expect(try row.decode("j", as: JSONB.self).decode([String: [Int]].self) == ["a": [1, 2]])
        #expect(try row.decode("tags") == ["mehndi", "has \"quotes\"", "back\\slash", "comma,inside", "NULL"])
        #expect(try row.decode("nums") == [Int64(1), -2, 3])
        #expect(try row.decode("raw", as: ByteA.self).bytes == [0, 255, 10, 13])
        #expect(try row.decode("d") == 2.5)
    }

    @Test func nullsReadAsNilAndAreRefusedForNonOptionals() throws {
        let row = try connection.query("INSERT INTO things (t, i) VALUES ($1, $2) RETURNING t, i, at",
                                       String?.none, Int?.none).first!
        let t: String? = try row.decode("t")
        let i: Int? = try row.decode("i")
        #expect(t == nil)
        #expect(i == nil)
        #expect(throws: PostgresError.self) { let _: Date = try row.decode("at") }
    }

    @Test func emptyArraysAndTimestampsInOtherZonesDecode() throws {
        let row = try connection.query("SELECT '{}'::text[] AS e, '2026-11-25 10:30:00+05:30'::timestamptz AS at").first!
        #expect(try row.decode("e") == [String]())
        #expect(try row.decode("at") == Date(timeIntervalSince1970: 1_795_582_800))
    }

    @Test func integersAreReadFromTheBytesWithTheirLimitsAndRefusals() throws {
        let row = try connection.query("""
            SELECT (-9223372036854775808)::bigint AS min, 9223372036854775807::bigint AS max, 0 AS zero,
                   '99999999999'::text AS too_big_for_int32, '12a'::text AS junk, ''::text AS empty, '-'::text AS sign,
                   ARRAY[NULL, 1]::bigint[] AS with_null, '{"a,b","NULL","",c}'::text[] AS mixed,
                   ARRAY['ञ', 'x"y\\z']::text[] AS unicode
            """).first!
        #expect(try row.decode("min") == Int64.min)
        #expect(try row.decode("max") == Int64.max)
        #expect(try row.decode("zero") == 0)
        #expect(throws: PostgresError.self) { let _: Int32 = try row.decode("too_big_for_int32") }
        #expect(try row.decode("too_big_for_int32") == Int64(99_999_999_999))
        for column in ["junk", "empty", "sign"] {
            #expect(throws: PostgresError.self) { let _: Int64 = try row.decode(column) }
        }
        // a NULL element cannot become an Int64
        #expect(throws: PostgresError.self) { let _: [Int64] = try row.decode("with_null") }
        #expect(try row.decode("mixed") == ["a,b", "NULL", "", "c"])
        #expect(try row.decode("unicode") == ["ञ", "x\"y\\z"])
    }

    @Test func sqlInjectionAttemptsAreStoredVerbatim() throws {
        let hostile = [
            "Robert'); DROP TABLE things;--",
            "'; DROP TABLE things; --",
            "a;b;c",
            "\\'; SELECT pg_sleep(10); --",
            "$1 $2 '' \"\" \u{0}".replacingOccurrences(of: "\u{0}", with: ""),
        ]
        for value in hostile {
            let id: Int64 = try connection.query("INSERT INTO things (t, tags) VALUES ($1, $2) RETURNING id", value, [value]).first!.decode("id")
            let back = try connection.query("SELECT t, tags FROM things WHERE id = $1", id).first!
            #expect(try back.decode("t") == value)
            #expect(try back.decode("tags") == [value])
        }
        let count: Int64 = try connection.query("SELECT count(*) AS n FROM things WHERE t = ANY($1)", hostile).first!.decode("n")
        #expect(count == Int64(hostile.count))
    }
}
