#include "CSQLiteThreading.h"

#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call.
int stockschool_sqlite_use_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }
