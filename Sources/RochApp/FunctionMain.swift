import RochHTTP

/// A deployable function: its executable name and the handler every runtime runs.
public struct FunctionDefinition: Sendable {
    public let name: String
    public let makeHandler: @Sendable () async throws -> Handler

    public init(name: String, makeHandler: @escaping @Sendable () async throws -> Handler) {
        self.name = name
        self.makeHandler = makeHandler
    }

    /// A function whose issue has not landed yet: answers 501 so nobody mistakes it for working.
    public static func placeholder(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name: name) {
            { _ in throw HTTPError(501, code: "not_implemented", "The \(name) function is not built yet.") }
        }
    }
}

/// Entry point shared by every `functions/<name>/main.swift`.
public enum FunctionMain {
    public static func run(_ function: FunctionDefinition) async -> Never {
        fatalError("runtime selection lands with the function runtime issue")
    }
}
