import Foundation

/// A client's portal sign-in link that the worker mints when it sends the message. The outbox row
/// stores this reference (`"portal_link": {"client_id": 42, "lifetime_seconds": 1209600,
/// "issued_by": "moment:booking_confirmed"}`), never the link, so no copy or backup of the database
/// holds a usable link, and every send or resend carries a fresh one.
public struct PortalLinkReference: Sendable, Equatable, Codable {
    public var clientID: Int64
    public var lifetimeSeconds: Int
    /// Recorded on the token: `moment:booking_confirmed`, `client:request`.
    public var issuedBy: String

    public init(clientID: Int64, lifetimeSeconds: Int, issuedBy: String) {
        self.clientID = clientID
        self.lifetimeSeconds = lifetimeSeconds
        self.issuedBy = issuedBy
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", lifetimeSeconds = "lifetime_seconds", issuedBy = "issued_by"
    }
}

/// One value of `notifications.parameters`: text for the template, or a link to mint at send time.
enum StoredParameter: Codable, Equatable {
    case text(String)
    case portalLink(PortalLinkReference)

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) { self = .text(text) } else { self = .portalLink(try c.decode(PortalLinkReference.self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let text): try c.encode(text)
        case .portalLink(let reference): try c.encode(reference)
        }
    }

    /// The stored form: the text parameters, with `portal_link` replaced by the reference when there is one.
    static func stored(_ parameters: [String: String], portalLink: PortalLinkReference?) -> [String: StoredParameter] {
        var out = parameters.mapValues(StoredParameter.text)
        if let portalLink { out["portal_link"] = .portalLink(portalLink) }
        return out
    }

    /// Splits a stored row back into text parameters and the link reference (if any).
    static func split(_ stored: [String: StoredParameter]) -> (parameters: [String: String], portalLink: PortalLinkReference?) {
        var parameters: [String: String] = [:]
        var link: PortalLinkReference?
        for (key, value) in stored {
            switch value {
            case .text(let text): parameters[key] = text
            case .portalLink(let reference): link = reference
            }
        }
        return (parameters, link)
    }
}
