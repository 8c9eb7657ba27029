/// Reads the proposal editor's fields into a `ProposalDraft`, or says what is wrong on each field.
///
/// Fields (N from 1): `summary`; `line.N.service`, `line.N.description`, `line.N.quantity`,
/// `line.N.unit_price` and `line.N.discount` (rupees as typed, e.g. 1,25,000.50),
/// `line.N.gst_rate` (whole or decimal percent, e.g. 18); `milestone.N.label`,
/// `milestone.N.amount` (rupees), `milestone.N.due_on` (YYYY-MM-DD). A row left entirely blank
/// is skipped (a line's pre-filled quantity and GST rate do not count), so the page can offer empty rows to fill in without JavaScript.
public enum ProposalForm {
    public static let lineFields = ["service", "description", "quantity", "unit_price", "discount", "gst_rate"]
    public static let milestoneFields = ["label", "amount", "due_on"]

    /// `field` answers a form field's value (nil when absent). `rows` bounds how many rows are read.
    /// With `today`, a form whose milestone rows are all blank gets the default plan
    /// (`ProposalDraft.defaultMilestones`: 30 % now, the balance 7 days before the event).
    public static func parse(_ field: (String) -> String?, eventDate: CalendarDay, today: CalendarDay? = nil, previous: [ProposalMilestone] = [],
                             rows: Int = ProposalDraft.maximumLines) -> Result<ProposalDraft, ValidationErrors> {
        var errors: [String: String] = [:]
        func text(_ name: String) -> String { (field(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func money(_ name: String, blankIsZero: Bool = false) -> Money? {
            let t = text(name)
            if t.isEmpty && blankIsZero { return .zero }
            do { return try Money.parseRupees(t) } catch let e as MoneyParseError { errors[name] = e.message; return nil } catch { return nil }
        }
        var lines: [ProposalLine] = []
        var lineKeys: [Int] = []
        for n in 1...max(1, rows) {
            let key = "line.\(n)."
            // quantity and GST rate come pre-filled on blank rows, so they do not make a row count
            if ["service", "description", "unit_price", "discount"].allSatisfy({ text(key + $0).isEmpty }) { continue }
            let quantity = Int64(text(key + "quantity").isEmpty ? "1" : text(key + "quantity"))
            if quantity == nil { errors[key + "quantity"] = "The quantity must be a whole number, e.g. 1 or 250." }
            let rate = text(key + "gst_rate").isEmpty ? GST.standardRateBasisPoints : percentBasisPoints(text(key + "gst_rate"))
            if rate == nil { errors[key + "gst_rate"] = "Give the GST rate in percent, e.g. 18." }
            let price = money(key + "unit_price"), discount = money(key + "discount", blankIsZero: true)
            lineKeys.append(n)
            lines.append(ProposalLine(service: text(key + "service"), description: text(key + "description"), quantity: quantity ?? 1,
                                      unitPrice: price ?? Money(paise: 1), discount: discount ?? .zero,
                                      rateBasisPoints: rate ?? GST.standardRateBasisPoints))
        }
        var milestones: [ProposalMilestone] = []
        var milestoneKeys: [Int] = []
        for n in 1...ProposalDraft.maximumMilestones {
            let key = "milestone.\(n)."
            if milestoneFields.allSatisfy({ text(key + $0).isEmpty }) { continue }
            let amount = money(key + "amount")
            let day = CalendarDay(text(key + "due_on"))
            if day == nil { errors[key + "due_on"] = "Give the due date as a date, e.g. 2027-02-14." }
            milestoneKeys.append(n)
            milestones.append(ProposalMilestone(label: text(key + "label"), amount: amount ?? Money(paise: 1), dueOn: day ?? eventDate))
        }
        var draft = ProposalDraft(summary: text("summary"), lines: lines, milestones: milestones)
        if milestones.isEmpty, errors.isEmpty, let today, !lines.isEmpty, draft.problems(eventDate: eventDate).keys.allSatisfy({ $0 == "plan" }),
           let standard = ProposalDraft.defaultMilestones(total: draft.totals.total, today: today, eventDate: eventDate) {
            draft.milestones = standard
            milestoneKeys = Array(1...standard.count)
        }
        // A line that could not be read has a stand-in value, so the plan's sum is not worth checking yet.
        let unreadLine = errors.keys.contains { $0.hasPrefix("line.") }
        // The draft numbers its rows 1, 2, ...; map its messages back to the rows as the form numbered them.
        for (key, message) in draft.problems(eventDate: eventDate, previous: previous) where !(key == "plan" && unreadLine) {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            var formKey = key
            if parts.count == 3, let i = Int(parts[1]) {
                let numbers = parts[0] == "line" ? lineKeys : milestoneKeys
                formKey = "\(parts[0]).\(numbers[i - 1]).\(parts[2])"
            }
            if errors[formKey] == nil { errors[formKey] = message }
        }
        return errors.isEmpty ? .success(draft) : .failure(ValidationErrors(fields: errors))
    }

    /// "18" -> 1800, "2.5" -> 250; nil when it is not a percentage with at most two decimals.
    public static func percentBasisPoints(_ text: String) -> Int64? {
        let t = text.hasSuffix("%") ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text
        guard let money = try? Money.parseRupees(t), !money.isNegative, !t.contains(","), !t.contains("₹"), !t.lowercased().contains("rs") else { return nil }
        return money.paise <= 10_000 ? money.paise : nil
    }
}
