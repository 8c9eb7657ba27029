import Foundation
import Testing
@testable import RochCore

struct MoneyTests {
    @Test func arithmeticIsExactInPaise() {
        let a = Money(rupees: 1_25_000), b = Money(paise: 50)
        #expect((a + b).paise == 12_500_050)
        #expect((a - b).paise == 12_499_950)
        #expect((-b).paise == -50)
        #expect((b * 3).paise == 150)
        var c = Money.zero
        c += a
        c -= b
        #expect(c == Money(paise: 12_499_950))
        #expect(b < a)
    }

    @Test func percentRoundsHalvesAwayFromZero() {
        #expect(Money(paise: 50).percent(basisPoints: 1_000) == Money(paise: 5))
        #expect(Money(paise: 5).percent(basisPoints: 1_000) == Money(paise: 1))   // 0.5 -> 1
        #expect(Money(paise: 4).percent(basisPoints: 1_000) == Money(paise: 0))   // 0.4 -> 0
        #expect(Money(paise: -5).percent(basisPoints: 1_000) == Money(paise: -1)) // -0.5 -> -1
        #expect(Money(rupees: 1_00_000).percent(basisPoints: 3_000) == Money(rupees: 30_000))
        #expect(Money(paise: 33_333).percent(basisPoints: 3_000) == Money(paise: 10_000)) // 9999.9
        #expect(Money(paise: Int64.max).percent(basisPoints: 10_000) == Money(paise: Int64.max))
        #expect(Money(paise: Int64.max).percent(basisPoints: 5_000) == Money(paise: Int64.max / 2 + 1))
    }

    @Test func percentMatchesARationalReferenceOnRandomInputs() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            let paise = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)
            let bp = Int64.random(in: 0...10_000, using: &rng)
            let numerator = paise * bp // fits: |paise| ≤ 1e12, bp ≤ 1e4
            let q = numerator / 10_000, r = numerator % 10_000
            let expected = abs(r) * 2 >= 10_000 ? q + numerator.signum() : q
            #expect(Money(paise: paise).percent(basisPoints: bp).paise == expected)
        }
    }

    @Test func splitSharesDifferByAtMostOnePaisaAndSumExactly() {
        #expect(Money(paise: 100).split(into: 3).map(\.paise) == [34, 33, 33])
        #expect(Money(paise: -100).split(into: 3).map(\.paise) == [-34, -33, -33])
        #expect(Money(paise: 7).split(into: 7).map(\.paise) == Array(repeating: 1, count: 7))
    }

    @Test func indianFormattingUsesLakhAndCroreGrouping() {
        #expect(Money(rupees: 1_25_000).inr == "₹1,25,000")
        #expect(Money(paise: 12_500_050).inr == "₹1,25,000.50")
        #expect(Money(paise: 12_500_005).inr == "₹1,25,000.05")
        #expect(Money(rupees: 1_00_00_000).inr == "₹1,00,00,000")
        #expect(Money(rupees: 12_34_56_789).inr == "₹12,34,56,789")
        #expect(Money(rupees: 999).inr == "₹999")
        #expect(Money(rupees: 1_000).inr == "₹1,000")
        #expect(Money.zero.inr == "₹0")
        #expect(Money(paise: 5).inr == "₹0.05")
        #expect(Money(rupees: -2_500).inr == "-₹2,500")
        #expect(Money(paise: -12_500_050).inr == "-₹1,25,000.50")
        #expect(Money(rupees: 500).inrWithPaise == "₹500.00")
        #expect(Money(paise: Int64.min).inr == "-₹92,23,37,20,36,85,47,758.08")
    }

    @Test func parsingRupeeStringsGivesExactPaise() throws {
        #expect(try Money.parseRupees("1,25,000") == Money(rupees: 1_25_000))
        #expect(try Money.parseRupees("125000.50") == Money(paise: 12_500_050))
        #expect(try Money.parseRupees("125,000.5") == Money(paise: 12_500_050))
        #expect(try Money.parseRupees(" ₹1,25,000.05 ") == Money(paise: 12_500_005))
        #expect(try Money.parseRupees("Rs. 500") == Money(rupees: 500))
        #expect(try Money.parseRupees("-250") == Money(rupees: -250))
        #expect(try Money.parseRupees("-₹250") == Money(rupees: -250))
        #expect(try Money.parseRupees(".75") == Money(paise: 75))
        #expect(try Money.parseRupees("1,00,00,000") == Money(rupees: 1_00_00_000))
    }

    @Test func parsingRejectsWhatIsNotAnAmount() {
        #expect(throws: MoneyParseError.empty) { try Money.parseRupees("") }
        #expect(throws: MoneyParseError.empty) { try Money.parseRupees("₹") }
        #expect(throws: MoneyParseError.tooManyDecimalPlaces) { try Money.parseRupees("10.505") }
        #expect(throws: MoneyParseError.misplacedComma) { try Money.parseRupees("12,50,00") }
        #expect(throws: MoneyParseError.misplacedComma) { try Money.parseRupees(",500") }
        #expect(throws: MoneyParseError.misplacedComma) { try Money.parseRupees("1,,000") }
        #expect(throws: MoneyParseError.invalidCharacter("a")) { try Money.parseRupees("12a") }
        #expect(throws: MoneyParseError.invalidCharacter(".")) { try Money.parseRupees("1.2.3") }
        #expect(throws: MoneyParseError.tooLarge) { try Money.parseRupees("99999999999999999999") }
    }

    @Test func formattingAndParsingRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let money = Money(paise: Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &rng))
            #expect(try Money.parseRupees(money.inr) == money)
        }
    }

    @Test func gstAddedToANetAmount() {
        let gst = GST.add(net: Money(rupees: 1_00_000))
        #expect(gst.tax == Money(rupees: 18_000))
        #expect(gst.gross == Money(rupees: 1_18_000))
        #expect(gst.rateBasisPoints == 1_800)
        #expect(GST.add(net: Money(paise: 3), rateBasisPoints: 1_800).tax == Money(paise: 1)) // 0.54 -> 1
        #expect(GST.add(net: Money(rupees: 1_000), rateBasisPoints: 500).gross == Money(rupees: 1_050))
    }

    @Test func gstSplitOfAGrossAmountAlwaysAddsBackToTheGross() {
        let gst = GST.split(gross: Money(rupees: 1_18_000))
        #expect(gst.net == Money(rupees: 1_00_000))
        #expect(gst.tax == Money(rupees: 18_000))
        #expect(gst.cgst == Money(rupees: 9_000) && gst.sgst == Money(rupees: 9_000))
        let odd = GST.split(gross: Money(paise: 100))  // 100 / 1.18 = 84.745... -> 85
        #expect(odd.net == Money(paise: 85) && odd.tax == Money(paise: 15))
        #expect(odd.cgst == Money(paise: 7) && odd.sgst == Money(paise: 8))
        var rng = SplitMix64(seed: 18)
        for _ in 0..<2_000 {
            let gross = Money(paise: Int64.random(in: 0...1_000_000_000_00, using: &rng))
            let rate = Int64.random(in: 0...2_800, using: &rng)
            let split = GST.split(gross: gross, rateBasisPoints: rate)
            #expect(split.net + split.tax == gross)
            #expect(split.cgst + split.sgst == split.tax)
            // The net is the closest paisa: adding tax back lands within one paisa of the gross.
            #expect(abs(GST.add(net: split.net, rateBasisPoints: rate).gross.paise - gross.paise) <= 1)
        }
    }

    @Test func moneyIsCodableAsAnIntegerOfPaise() throws {
        let data = try JSONEncoder().encode(["amount": Money(paise: 12_500_050)])
        #expect(String(decoding: data, as: UTF8.self) == #"{"amount":12500050}"#)
        #expect(try JSONDecoder().decode([Money].self, from: Data("[-5]".utf8)) == [Money(paise: -5)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: Data("[1.5]".utf8)) }
    }

    @Test func editableRupeesIsWhatAFormFieldTakesBack() {
        #expect(Money(paise: 12_500_000).editableRupees == "125000")
        #expect(Money(paise: 12_500_050).editableRupees == "125000.50")
        #expect(Money(paise: 5).editableRupees == "0.05")
        #expect(Money(paise: -1205).editableRupees == "-12.05")
        #expect(Money.zero.editableRupees == "0")
    }
}
