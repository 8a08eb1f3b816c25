import Testing

@testable import StockSchoolStore

@Suite struct DecimalTextTests {
    func text(_ value: Double) -> String {
        var bytes: [UInt8] = []
        DecimalText.append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func marketValuesPrintAsPlainDecimals() {
        #expect(text(10.23) == "10.23")
        #expect(text(0.05) == "0.05")
        #expect(text(5) == "5")
        #expect(text(-1.5) == "-1.50")
        #expect(text(123456.789) == "123456.789")
        #expect(text(0) == "0")
    }

    @Test func everyValueReadsBackToTheSameBits() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [
            1e-300, 1e300, 0.1, 1 / 3, 2.0 / 3.0, 123456789.123456789, 9.999999999999999e14, 1e15, -0.0,
        ]
        for _ in 0..<20_000 {
            values.append(Double.random(in: -1e6...1e6, using: &generator))
            values.append((Double.random(in: 0...100_000, using: &generator) * 100).rounded() / 100)
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
        }
        for value in values where value.isFinite {
            let printed = text(value)
            #expect(Double(printed) == value, "\(value) printed as \(printed)")
        }
    }

    @Test func integersAndDatesPrintExactly() {
        var bytes: [UInt8] = []
        DecimalText.append(Int64(20240102), to: &bytes)
        bytes.append(32)
        DecimalText.append(Int64.min + 1, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "20240102 -9223372036854775807")
    }
}
