// The system libsqlite3 (Debian: libsqlite3-dev).
#include <sqlite3.h>
