import Foundation

/// The days an accountant's export covers: a financial year ("2026-27") or a date range, at most
/// two financial years long. Parsing refuses bad input with words for the form's field.
public struct ExportPeriod: Sendable, Equatable {
    public let from: CalendarDay
    public let to: CalendarDay
    /// "FY 2026-27" or "2026-04-01 to 2026-06-30": for file names and headings.
    public let label: String

    public static let maximumDays = 731

    public enum Problem: Error, Sendable, Equatable {
        case field(name: String, message: String)
    }

    /// `fy` wins when given; otherwise `from` and `to` are both needed.
    public static func parse(fy: String?, from: String?, to: String?) -> Result<ExportPeriod, Problem> {
        if let fy = fy?.trimmingCharacters(in: .whitespaces), !fy.isEmpty {
            guard let year = FinancialYear(label: fy) else {
                return .failure(.field(name: "fy", message: "Financial year must look like 2026-27."))
            }
            return .success(ExportPeriod(from: year.firstDay, to: year.lastDay, label: "FY \(year.label)"))
        }
        guard let fromText = from, !fromText.isEmpty else { return .failure(.field(name: "from", message: "Give a first day, or a financial year.")) }
        guard let first = CalendarDay(fromText) else { return .failure(.field(name: "from", message: "From must be a date like 2026-04-01.")) }
        guard let toText = to, !toText.isEmpty else { return .failure(.field(name: "to", message: "Give a last day too.")) }
        guard let last = CalendarDay(toText) else { return .failure(.field(name: "to", message: "To must be a date like 2027-03-31.")) }
        guard first <= last else { return .failure(.field(name: "to", message: "To must not be before From.")) }
        guard first.days(until: last) < maximumDays else {
            return .failure(.field(name: "to", message: "Export at most two years at a time."))
        }
        return .success(ExportPeriod(from: first, to: last, label: "\(first) to \(last)"))
    }

    init(from: CalendarDay, to: CalendarDay, label: String) {
        self.from = from
        self.to = to
        self.label = label
    }
}

/// A receipt's GST as a GSTR-1 preparer needs it: the tax already computed on the receipt, split
/// into CGST and SGST (the odd paisa to SGST, as `TaxComputation.line` does) when the place of
/// supply is the business's own state, else all IGST.
public struct GSTR1Split: Sendable, Equatable {
    public let placeOfSupply: GSTState?
    public let cgst: Money
    public let sgst: Money
    public let igst: Money

    /// `placeOfSupply` nil (not known): taxed as within the business's state, the same as the receipt printed.
    public init(tax: Money, business: GSTState?, placeOfSupply: GSTState?) {
        self.placeOfSupply = placeOfSupply
        let intra = business == nil || placeOfSupply == nil || business == placeOfSupply
        if intra {
            cgst = Money(paise: tax.paise / 2)
            sgst = tax - Money(paise: tax.paise / 2)
            igst = .zero
        } else {
            cgst = .zero
            sgst = .zero
            igst = tax
        }
    }
}

/// The GST state of the cities Roch holds events in: the place of supply for a client without a
/// GSTIN (section 12(7) of the IGST Act). A city not listed is reported as not known.
public enum EventCity {
    public static func state(of city: String) -> GSTState? {
        let key = city.trimmingCharacters(in: .whitespaces).lowercased()
        return states[key].flatMap { GSTState.named($0) } ?? GSTState.named(city.trimmingCharacters(in: .whitespaces))
    }

    static let states: [String: String] = [
        "mumbai": "Maharashtra", "pune": "Maharashtra", "nagpur": "Maharashtra", "nashik": "Maharashtra", "lonavala": "Maharashtra",
        "delhi": "Delhi", "new delhi": "Delhi", "gurugram": "Haryana", "gurgaon": "Haryana", "noida": "Uttar Pradesh",
        "agra": "Uttar Pradesh", "lucknow": "Uttar Pradesh", "varanasi": "Uttar Pradesh",
        "jaipur": "Rajasthan", "udaipur": "Rajasthan", "jodhpur": "Rajasthan", "jaisalmer": "Rajasthan",
        "bengaluru": "Karnataka", "bangalore": "Karnataka", "mysuru": "Karnataka", "mysore": "Karnataka",
        "hyderabad": "Telangana", "chennai": "Tamil Nadu", "coimbatore": "Tamil Nadu", "kolkata": "West Bengal",
        "ahmedabad": "Gujarat", "surat": "Gujarat", "vadodara": "Gujarat", "goa": "Goa", "panaji": "Goa",
        "kochi": "Kerala", "thiruvananthapuram": "Kerala", "chandigarh": "Chandigarh", "amritsar": "Punjab",
        "indore": "Madhya Pradesh", "bhopal": "Madhya Pradesh", "rishikesh": "Uttarakhand", "dehradun": "Uttarakhand",
        "shimla": "Himachal Pradesh", "bhubaneswar": "Odisha", "guwahati": "Assam", "visakhapatnam": "Andhra Pradesh",
    ]
}
