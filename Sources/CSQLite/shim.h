// SPDX-License-Identifier: Apache-2.0
// The system libsqlite3 (Debian: libsqlite3-dev).
#include <sqlite3.h>
// sqlite3_config is variadic, which Swift cannot call: a fixed-argument wrapper
// that stops SQLite's page cache from preallocating 20 pages (87 KB) per
// connection at its first transaction. Must run before the first connection.
static inline int deviceauth_sqlite_no_page_cache_bulk(void) {
    return sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
}
