import RochHTTP

/// Every deployable function, by executable name: `roch serve --in-process` and tests use it.
public enum FunctionRegistry {
    public static let all: [FunctionDefinition] = [
        .booking,
        .razorpayWebhook,
        .placeholder("whatsapp-webhook"),
        .portal,
        .portalEvents,
        .placeholder("admin"),
        .health,
        .vendor,
    ]

    public static func named(_ name: String) -> FunctionDefinition? { all.first { $0.name == name } }
}
