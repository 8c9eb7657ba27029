import RochApp
import RochHTTP
import RochStore
import Testing

/// A lost or refused database connection answers 503 with Retry-After; every other error keeps its own answer.
@Suite struct DatabaseOutageTests {
    func answer(to error: Error) async -> Response {
        let handler = DatabaseOutage.wrap { _ in throw error }
        return await ErrorResponder.respond(handler, to: Request(method: "POST", path: "/api/booking", headers: Headers([("Accept", "application/json")])))
    }

    @Test func aLostOrRefusedConnectionIs503WithRetryAfter() async {
        for kind in [PostgresError.Kind.connectionLost, .connectionFailed] {
            let response = await answer(to: PostgresError(kind: kind, message: "server closed the connection unexpectedly"))
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == String(DatabaseOutage.retryAfterSeconds))
        }
    }

    @Test func otherDatabaseErrorsAndHTTPErrorsAreUntouched() async {
        #expect(await answer(to: PostgresError(kind: .uniqueViolation, message: "duplicate key")).status == 500)
        let refused = await answer(to: HTTPError.unprocessable("Check the form.", fields: ["phone": "Enter a phone number."]))
        #expect(refused.status == 422 && refused.headers["Retry-After"] == nil)
    }
}
