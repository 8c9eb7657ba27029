@testable import RochApp
import Testing

/// What the admin templates are given: a nil optional is gone (so `{{#x}}` hides and `{{^x}}`
/// shows), a present one is its value, at any depth of dictionaries and arrays.
@Suite struct AdminTemplateValuesTests {
    @Test func nilOptionalsAreRemovedAndPresentOnesUnwrappedAtAnyDepth() {
        let missing: String? = nil, doubly: Int?? = .some(nil), present: Int?? = 7
        let values = AdminTemplates.present([
            "missing": missing as Any, "doubly": doubly as Any, "present": present as Any, "plain": "text",
            "nested": ["gone": missing as Any, "kept": Optional("yes") as Any] as [String: Any],
            "list": [Optional(1) as Any, missing as Any, ["deep": missing as Any, "n": 2] as [String: Any]] as [Any],
        ])
        #expect(Set(values.keys) == ["present", "plain", "nested", "list"])
        #expect(values["present"] as? Int == 7 && values["plain"] as? String == "text")
        let nested = values["nested"] as? [String: Any]
        #expect(nested?.count == 1 && nested?["kept"] as? String == "yes")
        let list = values["list"] as? [Any]
        #expect(list?.count == 2 && list?.first as? Int == 1)
        let deep = list?.last as? [String: Any]
        #expect(deep?.count == 1 && deep?["n"] as? Int == 2)
    }
}
