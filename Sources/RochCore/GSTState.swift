/// An Indian state or union territory by its two-digit GST state code (the first two characters of a GSTIN).
public struct GSTState: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: Int

    /// nil unless the code is one the GST system assigns (01-38, 97 other territory).
    public init?(code: Int) {
        guard GSTState.names[code] != nil else { return nil }
        self.code = code
    }

    /// The state a GSTIN is registered in, or nil for a malformed GSTIN.
    public init?(gstin: String) {
        guard GSTIN.isWellFormed(gstin), let code = Int(gstin.prefix(2)) else { return nil }
        self.init(code: code)
    }

    /// The state's name as the GST portal lists it.
    public var name: String { GSTState.names[code]! }

    /// "27-Maharashtra": how invoices print the place of supply.
    public var description: String { "\(code < 10 ? "0" : "")\(code)-\(name)" }

    public static func named(_ name: String) -> GSTState? {
        let wanted = name.lowercased()
        return names.first { $0.value.lowercased() == wanted }.map { GSTState(code: $0.key)! }
    }

    static let names: [Int: String] = [
        1: "Jammu and Kashmir", 2: "Himachal Pradesh", 3: "Punjab", 4: "Chandigarh", 5: "Uttarakhand", 6: "Haryana",
        7: "Delhi", 8: "Rajasthan", 9: "Uttar Pradesh", 10: "Bihar", 11: "Sikkim", 12: "Arunachal Pradesh", 13: "Nagaland",
        14: "Manipur", 15: "Mizoram", 16: "Tripura", 17: "Meghalaya", 18: "Assam", 19: "West Bengal", 20: "Jharkhand",
        21: "Odisha", 22: "Chhattisgarh", 23: "Madhya Pradesh", 24: "Gujarat", 26: "Dadra and Nagar Haveli and Daman and Diu",
        27: "Maharashtra", 29: "Karnataka", 30: "Goa", 31: "Lakshadweep", 32: "Kerala", 33: "Tamil Nadu", 34: "Puducherry",
        35: "Andaman and Nicobar Islands", 36: "Telangana", 37: "Andhra Pradesh", 38: "Ladakh", 97: "Other Territory",
    ]
}

/// GST identification numbers: 15 characters, state code, PAN, entity number, 'Z', check character.
public enum GSTIN {
    /// The shape (state digits, PAN of 5 letters 4 digits 1 letter, entity, 'Z', check); the check
    /// character itself is not verified, because test and placeholder GSTINs rarely carry a valid one.
    public static func isWellFormed(_ s: String) -> Bool {
        let c = Array(s.utf8)
        guard c.count == 15 else { return false }
        func digit(_ i: Int) -> Bool { (48...57).contains(c[i]) }
        func letter(_ i: Int) -> Bool { (65...90).contains(c[i]) }
        return digit(0) && digit(1) && (2...6).allSatisfy(letter) && (7...10).allSatisfy(digit) && letter(11)
            && (digit(12) || letter(12)) && c[13] == 90 && (digit(14) || letter(14))
    }
}

/// Where a supply of event services is taxed, and so whether it is intra-state (CGST + SGST) or inter-state (IGST).
public enum PlaceOfSupply {
    /// Section 12(7) of the IGST Act for organising events: a registered client's state (from their
    /// GSTIN); for an unregistered client, the state where the event is held.
    public static func forEventServices(clientGSTIN: String?, eventState: GSTState) -> GSTState {
        if let gstin = clientGSTIN, let state = GSTState(gstin: gstin) { return state }
        return eventState
    }
}
