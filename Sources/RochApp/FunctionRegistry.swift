import RochHTTP

/// Every deployable function, by executable name: `roch serve --in-process` and tests use it.
public enum FunctionRegistry {
    public static let all: [FunctionDefinition] = [
        .booking,
        .razorpayWebhook,
        .whatsappWebhook,
        .portal,
        .portalEvents,
        .admin,
        .health,
        .vendor,
    ]

    public static func named(_ name: String) -> FunctionDefinition? { all.first { $0.name == name } }
}

/// Each function's handler, made once on first use, as a FastCGI responder makes it once per process
/// (`roch serve --in-process`). Requests that arrive together while the handler is being made wait
/// for that one: a second portal-events handler would open a second LISTEN connection and hub.
public actor FunctionHandlers {
    private let lookup: @Sendable (String) -> FunctionDefinition?
    private var handlers: [String: Task<Handler, Error>] = [:]

    public init(lookup: @escaping @Sendable (String) -> FunctionDefinition? = { FunctionRegistry.named($0) }) {
        self.lookup = lookup
    }

    /// The handler of the function `name`, or nil when there is no such function. A handler that could
    /// not be made is tried again on the next request.
    public func handler(for name: String) async throws -> Handler? {
        if let made = handlers[name] { return try await made.value }
        guard let definition = lookup(name) else { return nil }
        let making = Task { try await definition.makeHandler() }
        handlers[name] = making
        do {
            return try await making.value
        } catch {
            if handlers[name] == making { handlers[name] = nil }
            throw error
        }
    }
}
