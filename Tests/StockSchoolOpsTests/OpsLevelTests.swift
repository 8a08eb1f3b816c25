import StockSchoolOps
import Testing

@Suite struct OpsLevelTests {
    @Test func levelsOrderAndExitCodes() {
        #expect(OpsLevel.ok < .info && OpsLevel.info < .warning && OpsLevel.warning < .critical)
        #expect([OpsLevel.ok, .critical, .warning].max() == .critical)
        #expect(OpsLevel.ok.exitCode == 0 && OpsLevel.info.exitCode == 0)
        #expect(OpsLevel.warning.exitCode == 1 && OpsLevel.critical.exitCode == 2)
    }
}
