import CSQLiteThreading
import GRDBSQLite

/// SQLite's threading mode for this process, chosen before its first connection opens.
///
/// Debian's SQLite defaults to serialized mode, where every `sqlite3_bind_*`, `sqlite3_step` and
/// `sqlite3_column_*` call takes the connection's mutex: on a panel read that is about ten lock
/// pairs a row. GRDB already lets only one thread use a connection at a time (the mode its
/// documentation supports), so multi-thread mode drops those locks.
enum SQLiteThreading {
    /// Whether the switch took; false only when SQLite was already in use (then it stays
    /// serialized, which is correct, only slower). Read before every connection is opened.
    static let multiThread: Bool = stockschool_sqlite_use_multithread() == SQLITE_OK
}
