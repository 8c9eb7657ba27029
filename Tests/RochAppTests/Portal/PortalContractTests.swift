import Foundation
import RochApp
import RochHTTP
import RochStore
import RochTestSupport
import Testing
import Yams

/// The portal's JSON matches docs/portal-api.yaml: every field declared, with its type; required fields present.
@Suite struct PortalContractTests {
    let world: PortalWorld
    let schemas: OpenAPISchemas

    init() throws {
        world = try PortalWorld()
        let path = URL(fileURLWithPath: TestDatabase.migrationsDirectory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/portal-api.yaml").path
        schemas = try OpenAPISchemas(yaml: String(contentsOfFile: path, encoding: .utf8))
        // Give optional sections content so their item schemas are exercised too.
        try world.context.database.withConnectionSync { c in
            if try PortalRepository.tableExists(c, "payment_milestones") {
                let booking = world.asha.bookingID
                let proposal: Int64 = try c.query("SELECT id FROM proposals WHERE booking_id = $1", booking).first!.decode("id")
                let deposit: Int64 = try c.query("""
                    INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule,
                                                    status, amount_paid_paise, paid_at)
                    VALUES ($1, $2, $3, 1, 'Deposit', 45000000, current_date, 'on_acceptance', 'paid', 45000000, now()) RETURNING id
                    """, PublicID.make(), proposal, booking).first!.decode("id")
                try c.execute("""
                    INSERT INTO payment_milestones (public_id, proposal_id, booking_id, sequence, label, amount_paise, due_on, due_rule,
                                                    status, short_url)
                    VALUES ($1, $2, $3, 2, 'Balance', 105000000, current_date + 80, 'days_before_event:7', 'link_issued', 'https://rzp.io/i/abc')
                    """, PublicID.make(), proposal, booking)
                let payment: Int64 = try c.query("""
                    INSERT INTO payments (razorpay_payment_id, milestone_id, amount_paise, currency, status, captured_at, counted_at)
                    VALUES ('pay_contract01', $1, 45000000, 'INR', 'captured', now(), now()) RETURNING id
                    """, deposit).first!.decode("id")
                try c.execute("""
                    INSERT INTO invoices (public_token, number, prefix, financial_year, sequence, booking_id, milestone_id, payment_id,
                                          amount_paise, net_paise, tax_paise, gst_rate_bp, issued_on)
                    VALUES ($1, 'RE/2026-27/0001', 'RE', '2026-27', 1, $2, $3, $4, 45000000, 38135593, 6864407, 1800, current_date)
                    """, PublicID.make(), booking, deposit, payment)
            }
            if try PortalRepository.tableExists(c, "vendor_assignments") {
                let vendor: Int64 = try c.query("INSERT INTO vendors (name, category) VALUES ('Phool Studio', 'florist') RETURNING id").first!.decode("id")
                try c.execute("""
                    INSERT INTO vendor_assignments (booking_id, vendor_id, role, status, milestone_date, milestone_text)
                    VALUES ($1, $2, 'Florist', 'confirmed', (now() + interval '30 days')::date, 'Your floral arrangements have been confirmed')
                    """, world.asha.bookingID, vendor)
            }
        }
    }

    func body(_ response: Response) throws -> Any { try JSONSerialization.jsonObject(with: Data(response.bodyBytes)) }

    @Test func theBookingDetailMatchesItsSchema() async throws {
        let cookie = try await world.signIn(world.asha)
        let response = try await world.get("/api/portal/bookings/\(world.asha.bookingPublicID)", cookie: cookie)
        #expect(response.status == 200)
        #expect(response.headers["cache-control"] == "private, no-store")
        let json = try body(response)
        #expect(schemas.problems(json, schema: "BookingDetail") == [])
        let detail = json as! [String: Any]
        let timeline = detail["timeline"] as! [[String: Any]]
        #expect(timeline.map { $0["title"] as! String } == ["Booking confirmed", "Enquiry received"])  // newest first
        #expect((detail["status"] as! [String: Any])["state"] as? String == "deposit_paid")
        let payments = detail["payments"] as! [String: Any]
        #expect(payments["total_paise"] as? Int == 150_000_000)
        #expect(payments["paid_paise"] as? Int == 45_000_000)
        #expect(payments["due_paise"] as? Int == 105_000_000)
        let schedule = payments["schedule"] as! [[String: Any]]
        #expect(schedule.map { $0["status"] as? String } == ["paid", "link_issued"])
        #expect(schedule[0]["pay_url"] == nil && schedule[1]["pay_url"] as? String == "https://rzp.io/i/abc")
        #expect((payments["receipts"] as! [[String: Any]]).map { $0["number"] as? String } == ["RE/2026-27/0001"])
        #expect(!(detail["vendors"] as! [Any]).isEmpty)
        #expect((detail["contact"] as! [String: Any])["name"] as? String == "Meera Iyer")
        #expect(!(detail["documents"] as! [Any]).isEmpty)
        #expect(!(detail["upcoming"] as! [Any]).isEmpty)
    }

    @Test func theBookingListSessionAndErrorsMatchTheirSchemas() async throws {
        let cookie = try await world.signIn(world.asha)
        #expect(schemas.problems(try body(try await world.get("/api/portal/bookings", cookie: cookie)), schema: "BookingList") == [])
        #expect(schemas.problems(try body(try await world.get("/api/portal/session", cookie: cookie)), schema: "Session") == [])
        #expect(schemas.problems(try body(try await world.get("/api/portal/session", cookie: nil)), schema: "Session") == [])
        #expect(schemas.problems(try body(try await world.get("/api/portal/bookings", cookie: nil)), schema: "Error") == [])
        let api = world.api
        let link = await ErrorResponder.respond({ try await api.handle($0) }, to: TestApp.jsonPost("/api/portal/link", #"{"phone":"+919876500001"}"#))
        #expect(schemas.problems(try body(link), schema: "LinkRequested") == [])
    }

    @Test func theCheckerFindsUndeclaredMissingAndMistypedFields() throws {
        let good: [String: Any] = ["signed_in": true, "client_name": "Asha"]
        #expect(schemas.problems(good, schema: "Session") == [])
        #expect(schemas.problems(["signed_in": true, "surprise": 1], schema: "Session") == ["$.surprise: not declared"])
        #expect(schemas.problems(["client_name": "Asha"], schema: "Session") == ["$.signed_in: required"])
        #expect(schemas.problems(["signed_in": "yes"], schema: "Session") == ["$.signed_in: is string, expected boolean"])
    }
}

/// Just enough of JSON Schema (as OpenAPI 3.1 uses it) to check our responses: $ref, type (with
/// null), required, properties, additionalProperties, items, enum.
struct OpenAPISchemas {
    let schemas: [String: Any]

    init(yaml: String) throws {
        let root = Self.normalize(try Yams.load(yaml: yaml)) as! [String: Any]
        schemas = ((root["components"] as! [String: Any])["schemas"] as! [String: Any])
    }

    static func normalize(_ value: Any?) -> Any {
        switch value {
        case let d as [AnyHashable: Any]:
            return Dictionary(uniqueKeysWithValues: d.map { ("\($0.key)", normalize($0.value)) })
        case let d as [String: Any]:
            return d.mapValues { normalize($0) }
        case let a as [Any]:
            return a.map { normalize($0) }
        case nil:
            return NSNull()
        default:
            return value!
        }
    }

    func problems(_ value: Any, schema name: String) -> [String] {
        var out: [String] = []
        check(value, schemas[name] as! [String: Any], "$", &out)
        return out
    }

    private func check(_ value: Any, _ schema: [String: Any], _ path: String, _ out: inout [String]) {
        if let ref = schema["$ref"] as? String {
            check(value, schemas[String(ref.split(separator: "/").last!)] as! [String: Any], path, &out)
            return
        }
        let kind = Self.kind(of: value)
        if let type = schema["type"] {
            let allowed = (type as? [Any])?.map { "\($0)" } ?? ["\(type)"]
            let ok = allowed.contains(kind) || (kind == "integer" && allowed.contains("number"))
            if !ok { out.append("\(path): is \(kind), expected \(allowed.joined(separator: " or "))"); return }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            out.append("\(path): \(value) is not one of \(options)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in (schema["required"] as? [Any] ?? []).map({ "\($0)" }) where object[key] == nil {
                out.append("\(path).\(key): required")
            }
            for (key, v) in object.sorted(by: { $0.key < $1.key }) {
                if let p = properties[key] as? [String: Any] {
                    check(v, p, "\(path).\(key)", &out)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(v, extra, "\(path).\(key)", &out)
                } else if (schema["additionalProperties"] as? Bool) == false {
                    out.append("\(path).\(key): not declared")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { check(v, items, "\(path)[\(i)]", &out) }
        }
    }

    static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            let type = String(cString: n.objCType)
            if type == "c" { return "boolean" }  // how JSONSerialization marks true/false
            return type == "d" || type == "f" ? "number" : "integer"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }
}
