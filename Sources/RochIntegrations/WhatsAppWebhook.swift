/// The body Meta posts to our `whatsapp-webhook` function (field `messages`): delivery statuses
/// of what we sent and messages clients write to us. Decode only after the signature checks out.
public struct WhatsAppWebhook: Codable, Sendable, Equatable {
    public var object: String
    public var entry: [Entry]

    public init(object: String = "whatsapp_business_account", entry: [Entry]) {
        self.object = object
        self.entry = entry
    }

    public struct Entry: Codable, Sendable, Equatable {
        /// The WhatsApp Business Account id.
        public var id: String
        public var changes: [Change]
        public init(id: String, changes: [Change]) { self.id = id; self.changes = changes }
    }

    public struct Change: Codable, Sendable, Equatable {
        public var field: String
        public var value: Value
        public init(field: String = "messages", value: Value) { self.field = field; self.value = value }
    }

    public struct Value: Codable, Sendable, Equatable {
        public var messagingProduct: String?
        public var metadata: Metadata?
        public var contacts: [Contact]?
        public var messages: [InboundMessage]?
        public var statuses: [Status]?
        public var errors: [StatusError]?
        /// Field `message_template_status_update`: APPROVED, REJECTED, PAUSED, DISABLED... for one template.
        public var event: String?
        public var messageTemplateID: FlexibleID?
        public var messageTemplateName: String?
        public var messageTemplateLanguage: String?
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product", metadata, contacts, messages, statuses, errors, event
            case messageTemplateID = "message_template_id", messageTemplateName = "message_template_name"
            case messageTemplateLanguage = "message_template_language", reason
        }

        /// A message or status this model cannot read (a new shape from Meta) is left out, not allowed
        /// to fail the whole batch: Meta would retry the batch for days and every other update in it
        /// would be lost with it.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            messagingProduct = try c.decodeIfPresent(String.self, forKey: .messagingProduct)
            metadata = try c.decodeIfPresent(Metadata.self, forKey: .metadata)
            contacts = try c.decodeIfPresent([Lossy<Contact>].self, forKey: .contacts)?.compactMap(\.value)
            messages = try c.decodeIfPresent([Lossy<InboundMessage>].self, forKey: .messages)?.compactMap(\.value)
            statuses = try c.decodeIfPresent([Lossy<Status>].self, forKey: .statuses)?.compactMap(\.value)
            errors = try c.decodeIfPresent([Lossy<StatusError>].self, forKey: .errors)?.compactMap(\.value)
            event = try? c.decodeIfPresent(String.self, forKey: .event)
            messageTemplateID = try? c.decodeIfPresent(FlexibleID.self, forKey: .messageTemplateID)
            messageTemplateName = try? c.decodeIfPresent(String.self, forKey: .messageTemplateName)
            messageTemplateLanguage = try? c.decodeIfPresent(String.self, forKey: .messageTemplateLanguage)
            reason = try? c.decodeIfPresent(String.self, forKey: .reason)
        }

        public init(messagingProduct: String? = "whatsapp", metadata: Metadata?, contacts: [Contact]? = nil,
                    messages: [InboundMessage]? = nil, statuses: [Status]? = nil, errors: [StatusError]? = nil) {
            self.messagingProduct = messagingProduct
            self.metadata = metadata
            self.contacts = contacts
            self.messages = messages
            self.statuses = statuses
            self.errors = errors
        }
    }

    public struct Metadata: Codable, Sendable, Equatable {
        public var displayPhoneNumber: String?
        public var phoneNumberID: String
        enum CodingKeys: String, CodingKey { case displayPhoneNumber = "display_phone_number", phoneNumberID = "phone_number_id" }
        public init(displayPhoneNumber: String?, phoneNumberID: String) {
            self.displayPhoneNumber = displayPhoneNumber
            self.phoneNumberID = phoneNumberID
        }
    }

    public struct Contact: Codable, Sendable, Equatable {
        public struct Profile: Codable, Sendable, Equatable {
            public var name: String?
            public init(name: String?) { self.name = name }
        }
        public var profile: Profile?
        public var waID: String
        enum CodingKeys: String, CodingKey { case profile, waID = "wa_id" }
        public init(name: String?, waID: String) { self.profile = Profile(name: name); self.waID = waID }
    }

    /// A message a client sent us. `type` names which content field is set (`text`, `button`,
    /// `interactive`, `image`, ...); types this model does not know decode with only the common fields.
    public struct InboundMessage: Codable, Sendable, Equatable {
        public struct Text: Codable, Sendable, Equatable {
            public var body: String
            public init(body: String) { self.body = body }
        }
        public var from: String
        public var id: String
        /// Unix seconds, as a string.
        public var timestamp: String
        public var type: String
        public var text: Text?
        /// The message this one answers (a reply, or a tap on a button of a message we sent).
        public var context: Context?
        /// A tap on a template's quick-reply button (`type` "button").
        public var button: Button?
        /// A tap on an interactive message's reply button or list row (`type` "interactive").
        public var interactive: Interactive?
        public var image: Media?
        public var document: Media?
        public var audio: Media?
        public var video: Media?
        public var sticker: Media?
        /// Why Meta could not hand the content over (`type` "unknown"/"unsupported").
        public var errors: [StatusError]?

        public init(from: String, id: String, timestamp: String, type: String = "text", text: Text?,
                    context: Context? = nil, button: Button? = nil, interactive: Interactive? = nil, image: Media? = nil,
                    document: Media? = nil, audio: Media? = nil, video: Media? = nil, sticker: Media? = nil, errors: [StatusError]? = nil) {
            self.from = from
            self.id = id
            self.timestamp = timestamp
            self.type = type
            self.text = text
            self.context = context
            self.button = button
            self.interactive = interactive
            self.image = image
            self.document = document
            self.audio = audio
            self.video = video
            self.sticker = sticker
            self.errors = errors
        }

        /// What the client wrote or chose, as a person reads it: the text, the button's or row's
        /// title, or a media caption. Nil when the message carries no words.
        public var readableText: String? {
            if let body = text?.body { return body }
            if let label = button?.text { return label }
            if let title = interactive?.buttonReply?.title ?? interactive?.listReply?.title { return title }
            let media: [Media?] = [image, document, video]
            return media.compactMap { $0?.caption }.first
        }
    }

    /// What happened to a message we sent (`id` is its wamid).
    public struct Status: Codable, Sendable, Equatable {
        public var id: String
        /// `sent`, `delivered`, `read` or `failed`.
        public var status: String
        /// Unix seconds, as a string.
        public var timestamp: String
        /// The client's WhatsApp number; Meta may leave it out (business-scoped user ids, groups).
        public var recipientID: String?
        public var errors: [StatusError]?

        enum CodingKeys: String, CodingKey { case id, status, timestamp, recipientID = "recipient_id", errors }

        public init(id: String, status: String, timestamp: String, recipientID: String?, errors: [StatusError]? = nil) {
            self.id = id
            self.status = status
            self.timestamp = timestamp
            self.recipientID = recipientID
            self.errors = errors
        }
    }

    public struct StatusError: Codable, Sendable, Equatable {
        public struct ErrorData: Codable, Sendable, Equatable {
            public var details: String?
            public init(details: String?) { self.details = details }
        }
        public var code: Int
        public var title: String?
        public var message: String?
        public var errorData: ErrorData?

        enum CodingKeys: String, CodingKey { case code, title, message, errorData = "error_data" }

        public init(code: Int, title: String?, message: String?, details: String?) {
            self.code = code
            self.title = title
            self.message = message
            self.errorData = details.map { ErrorData(details: $0) }
        }
    }

    /// Every status update in the batch, in order.
    public var statuses: [Status] { entry.flatMap { $0.changes.flatMap { $0.value.statuses ?? [] } } }
    /// A template's review result (field `message_template_status_update`).
    public struct TemplateStatusUpdate: Sendable, Equatable {
        public var event: String
        public var templateID: String?
        public var name: String
        public var language: String
        public var reason: String?
    }

    /// Every template status update in the batch, in order.
    public var templateStatusUpdates: [TemplateStatusUpdate] {
        entry.flatMap { $0.changes }.filter { $0.field == "message_template_status_update" }.compactMap { change in
            let v = change.value
            guard let event = v.event, let name = v.messageTemplateName, let language = v.messageTemplateLanguage else { return nil }
            return TemplateStatusUpdate(event: event, templateID: v.messageTemplateID?.value, name: name, language: language, reason: v.reason)
        }
    }

    /// Meta sends ids as JSON numbers in some payloads and strings in others.
    public struct FlexibleID: Codable, Sendable, Equatable {
        public var value: String
        public init(_ value: String) { self.value = value }
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { value = s } else { value = String(try c.decode(Int64.self)) }
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(value)
        }
    }

    /// Every inbound message in the batch, in order.
    public var inboundMessages: [InboundMessage] { entry.flatMap { $0.changes.flatMap { $0.value.messages ?? [] } } }

    /// Decodes a webhook body (after its signature was verified).
    public static func decode(_ body: [UInt8]) throws -> WhatsAppWebhook { try ProviderJSON.decode(Self.self, from: body) }
}
