import StockSchoolCore
import Testing

@Suite struct DigitGroupingTests {
    @Test func groupsOfThreeFromTheRight() {
        #expect(0.digitsGrouped == "0")
        #expect(999.digitsGrouped == "999")
        #expect(1000.digitsGrouped == "1,000")
        #expect(12_126.digitsGrouped == "12,126")
        #expect((-1_234_567).digitsGrouped == "-1,234,567")
        #expect(Int64.min.digitsGrouped == "-9,223,372,036,854,775,808")
    }
}
