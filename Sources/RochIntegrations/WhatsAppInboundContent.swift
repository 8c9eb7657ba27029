extension WhatsAppWebhook.InboundMessage {
    /// The message a reply refers to: its sender and wamid.
    public struct Context: Codable, Sendable, Equatable {
        public var from: String?
        public var id: String?
        public init(from: String?, id: String?) { self.from = from; self.id = id }
    }

    /// A template quick-reply button the client tapped: its label and the payload we gave it.
    public struct Button: Codable, Sendable, Equatable {
        public var text: String?
        public var payload: String?
        public init(text: String?, payload: String?) { self.text = text; self.payload = payload }
    }

    /// An interactive message's reply button (`button_reply`) or list row (`list_reply`) the client chose.
    public struct Interactive: Codable, Sendable, Equatable {
        public struct Reply: Codable, Sendable, Equatable {
            public var id: String
            public var title: String?
            public var description: String?
            public init(id: String, title: String?, description: String? = nil) {
                self.id = id
                self.title = title
                self.description = description
            }
        }
        public var type: String
        public var buttonReply: Reply?
        public var listReply: Reply?
        enum CodingKeys: String, CodingKey { case type, buttonReply = "button_reply", listReply = "list_reply" }
        public init(type: String, buttonReply: Reply? = nil, listReply: Reply? = nil) {
            self.type = type
            self.buttonReply = buttonReply
            self.listReply = listReply
        }
    }

    /// An image, document, audio, video or sticker: Meta sends its media id (fetched separately), not the bytes.
    public struct Media: Codable, Sendable, Equatable {
        public var id: String
        public var mimeType: String?
        public var sha256: String?
        public var caption: String?
        public var filename: String?
        enum CodingKeys: String, CodingKey { case id, mimeType = "mime_type", sha256, caption, filename }
        public init(id: String, mimeType: String?, sha256: String? = nil, caption: String? = nil, filename: String? = nil) {
            self.id = id
            self.mimeType = mimeType
            self.sha256 = sha256
            self.caption = caption
            self.filename = filename
        }
    }
}

/// One element of a provider's array, or nil when it does not decode (the rest of the array still does).
struct Lossy<Element: Decodable>: Decodable {
    let value: Element?
    init(from decoder: Decoder) throws { value = try? Element(from: decoder) }
}
