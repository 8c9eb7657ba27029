extension Enquiry {
    /// Which contact details this enquiry typed differently from a client's stored ones ("name",
    /// "email", "WhatsApp consent"), for the team to check with the client before adopting any: the
    /// public form never changes a stored client. Case and spacing are not differences.
    public func contactDifferences(fromName storedName: String, email storedEmail: String?, whatsAppConsent storedConsent: Bool) -> [String] {
        func folded(_ s: String?) -> String {
            (s ?? "").lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var out: [String] = []
        if folded(name) != folded(storedName) { out.append("name") }
        if folded(email) != folded(storedEmail) { out.append("email") }
        if whatsAppConsent != storedConsent { out.append("WhatsApp consent") }
        return out
    }
}
