import Testing

@testable import StockSchoolCore

/// The manual's 数据脱敏 rules (`phone[:3] + '****' + phone[-4:]`,
/// `local[:2] + '***@' + domain`) on hand-worked examples, and secrets in free text.
@Suite struct SensitiveDataMaskingTests {
    @Test func phoneKeepsFirstThreeAndLastFour() {
        #expect(SensitiveDataMasking.maskPhone("13812345678") == "138****5678")
        #expect(SensitiveDataMasking.maskPhone("15900001111") == "159****1111")
        #expect(SensitiveDataMasking.maskPhone("1234567") == "****")
    }

    @Test func emailKeepsTwoCharactersAndTheDomain() {
        #expect(SensitiveDataMasking.maskEmail("zhangsan@example.com") == "zh***@example.com")
        #expect(SensitiveDataMasking.maskEmail("li@stockschool.cn") == "li***@stockschool.cn")
        #expect(SensitiveDataMasking.maskEmail("a@b.cn") == "a***@b.cn")
    }

    @Test func freeTextPhonesAndEmails() {
        #expect(
            SensitiveDataMasking.maskText("notify 13812345678 and zhangsan@example.com now")
                == "notify 138****5678 and zh***@example.com now")
        // Longer digit runs and decimals are numbers, not phones: volumes, amounts, dates.
        #expect(
            SensitiveDataMasking.maskText("amount=138123456789 vol=13812345678.5 date=20261127")
                == "amount=138123456789 vol=13812345678.5 date=20261127")
    }

    @Test func secretsInFreeText() {
        let tushare = "0123456789abcdef0123456789abcdef0123456789abcdef01234567"  // 56 hex digits
        #expect(SensitiveDataMasking.maskText("calling tushare with \(tushare)") == "calling tushare with ***")
        #expect(SensitiveDataMasking.maskText("token=abc123&x=1") == "token=***&x=1")
        #expect(
            SensitiveDataMasking.maskText(#"{"token": "abc123", "api_name": "daily"}"#)
                == #"{"token": "***", "api_name": "daily"}"#)
        #expect(SensitiveDataMasking.maskText("password: hunter2") == "password: ***")
        #expect(SensitiveDataMasking.maskText("Authorization: Bearer ss_abc.def").hasSuffix("***"))
        #expect(!SensitiveDataMasking.maskText("Authorization: Bearer ss_abc.def").contains("ss_abc"))
        #expect(
            SensitiveDataMasking.maskText("connecting to postgres://app:s3cret@db:5432/stockschool")
                == "connecting to postgres://app:***@db:5432/stockschool")
        // A password holding an unencoded @ is hidden whole.
        #expect(SensitiveDataMasking.maskURLPasswords("postgres://u:p@ss@h/db") == "postgres://u:***@h/db")
        let key = "ss_" + String(repeating: "ab", count: 32)
        #expect(SensitiveDataMasking.maskText("key \(key) used") == "key *** used")
        let fernet =
            "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
        #expect(SensitiveDataMasking.maskText("value \(fernet)") == "value ***")
    }

    @Test func ordinaryLogLinesPassUnchanged() {
        for line in [
            "synced 600000.SH 20240102..20241231: 242 rows in 1.2 s",
            "GET /api/v1/stocks/000001.SZ/daily 200 12.5ms",
            "cache key daily:600000.SH:20240102",
        ] {
            #expect(SensitiveDataMasking.maskText(line) == line)
        }
    }

    @Test func namedValues() {
        #expect(SensitiveDataMasking.maskValue("13812345678", name: "phone") == "138****5678")
        #expect(SensitiveDataMasking.maskValue("zhangsan@example.com", name: "email") == "zh***@example.com")
        #expect(SensitiveDataMasking.maskValue("anything", name: "tushare_token") == "***")
        #expect(SensitiveDataMasking.maskValue("600000.SH", name: "ts_code") == "600000.SH")
    }
}
