#include "CSQLiteThreading.h"

#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call.
int stockschool_sqlite_use_multithread(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc != SQLITE_OK) return rc;
    // Memory statistics take one process-wide mutex on every sqlite3_malloc and sqlite3_free
    // (a bound text is one of each); nothing here reads them.
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
