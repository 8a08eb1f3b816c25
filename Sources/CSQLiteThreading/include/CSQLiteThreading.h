#ifndef CSQLITE_THREADING_H
#define CSQLITE_THREADING_H

/// Puts SQLite in multi-thread mode for this process (`SQLITE_CONFIG_MULTITHREAD`): connections
/// carry no mutex of their own. Safe here because GRDB lets only one thread use a connection at
/// a time. Also turns memory statistics off (`SQLITE_CONFIG_MEMSTATUS`), whose global mutex
/// every allocation takes. Must run before SQLite is initialised (before the first connection
/// opens); returns SQLite's result code (`SQLITE_MISUSE` when it is too late, and nothing
/// changes).
int stockschool_sqlite_use_multithread(void);

#endif
