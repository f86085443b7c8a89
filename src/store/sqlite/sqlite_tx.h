// SqliteTx: the Tx on an SQLite connection (see store/connection_tx.h).
#pragma once

#include "store/connection_tx.h"
#include "store/sqlite/sqlite_connection.h"

namespace celeste {

using SqliteTx = ConnectionTx<SqliteConnection>;

}  // namespace celeste
