/// One choice of a select or checkbox list, as the site and the admin render it.
public struct FormOption: Sendable, Hashable, Codable {
    public let value: String
    public let label: String

    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}

/// A closed list of choices with a display label per value.
public protocol LabelledOption: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {
    var label: String { get }
}

extension LabelledOption {
    /// Every choice in display order.
    public static var options: [FormOption] { allCases.map { FormOption(value: $0.rawValue, label: $0.label) } }
}

/// The kind of event an enquiry is about.
public enum EventType: String, LabelledOption {
    case wedding, sangeet, mehndi, haldi, reception, engagement, corporate, birthday
    case privateParty = "private_party"
    case other

    public var label: String {
        switch self {
        case .wedding: return "Wedding"
        case .sangeet: return "Sangeet"
        case .mehndi: return "Mehndi"
        case .haldi: return "Haldi"
        case .reception: return "Reception"
        case .engagement: return "Engagement"
        case .corporate: return "Corporate event"
        case .birthday: return "Birthday"
        case .privateParty: return "Private party"
        case .other: return "Something else"
        }
    }
}

/// The budget band a visitor picks.
public enum BudgetRange: String, LabelledOption {
    case under5Lakh = "under_5l"
    case from5To10Lakh = "5l_10l"
    case from10To25Lakh = "10l_25l"
    case from25To50Lakh = "25l_50l"
    case from50LakhTo1Crore = "50l_1cr"
    case above1Crore = "above_1cr"

    public var label: String {
        switch self {
        case .under5Lakh: return "Under ₹5 lakh"
        case .from5To10Lakh: return "₹5 lakh – ₹10 lakh"
        case .from10To25Lakh: return "₹10 lakh – ₹25 lakh"
        case .from25To50Lakh: return "₹25 lakh – ₹50 lakh"
        case .from50LakhTo1Crore: return "₹50 lakh – ₹1 crore"
        case .above1Crore: return "Above ₹1 crore"
        }
    }
}

/// A service the client would like from us.
public enum EventService: String, LabelledOption {
    case planning, decor, catering, photography, entertainment, venue, invitations, makeup
    case mehndiArtist = "mehndi_artist"
    case transport, accommodation

    public var label: String {
        switch self {
        case .planning: return "Full planning"
        case .decor: return "Decor"
        case .catering: return "Catering"
        case .photography: return "Photography & video"
        case .entertainment: return "Entertainment"
        case .venue: return "Venue booking"
        case .invitations: return "Invitations"
        case .makeup: return "Hair & makeup"
        case .mehndiArtist: return "Mehndi artist"
        case .transport: return "Guest transport"
        case .accommodation: return "Guest accommodation"
        }
    }
}
