/* sqlite3_config is variadic, which Swift cannot call: this wrapper can. The prototype
 * and the option number are SQLite's stable C interface (sqlite3.h); sqlite3.h itself is
 * not included so that its functions are not imported twice (GRDBSQLite imports them). */
int sqlite3_config(int, ...);

/* Before SQLite is first used: no global memory statistics, which take a global mutex on
 * every allocation and free. Returns SQLite's result code: SQLITE_MISUSE (21) when SQLite
 * was already initialised, which changes nothing. */
static inline int tonghop_sqlite_configure(void) {
    return sqlite3_config(9 /* SQLITE_CONFIG_MEMSTATUS */, 0);
}
