import Foundation
import RochStore
import RochTestSupport
import Testing

/// libpq passes text parameters as C strings: a value with a NUL byte would be stored cut short.
/// The connection refuses it loudly instead (inputs refuse NUL earlier, with a 400).
@Suite struct NULParameterTests {
    @Test func aParameterWithANULByteIsRefusedNotCut() async throws {
        let connection = try Connection(url: try await TestDatabase.makeEmpty())
        try connection.execute("CREATE TABLE names (n text)")
        #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO names VALUES ($1)", "Asha\u{0}Rao") }
        #expect(try connection.query("SELECT count(*) AS c FROM names").first!.decode("c") == Int64(0))
        // bytea values travel as hex, so bytes that include 0 are fine
        try connection.execute("CREATE TABLE blobs (b bytea)")
        try connection.execute("INSERT INTO blobs VALUES ($1)", ByteA([0, 1, 0]))
    }
}
