/// The release this build is, recorded in backups so a restore can say what wrote them.
public enum StockSchoolVersion {
    public static let current = "0.9.0"
}
