// mysql2 errors carry the server errno; drizzle wraps them (DrizzleQueryError) with the original as `cause`.
const CHECK_VIOLATION = new Set([4025 /* MariaDB ER_CONSTRAINT_FAILED */, 3819 /* MySQL ER_CHECK_CONSTRAINT_VIOLATED */]);
const DUPLICATE_KEY = 1062; // ER_DUP_ENTRY on both

/** The server errno of a mysql2 error, looking through wrappers' `cause` chain. */
export function mysqlErrno(err: unknown): number | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const errno = (cur as { errno?: unknown }).errno;
    if (typeof errno === "number") return errno;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isCheckViolation(err: unknown): boolean {
  const errno = mysqlErrno(err);
  return errno !== undefined && CHECK_VIOLATION.has(errno);
}

export function isDuplicateKey(err: unknown): boolean {
  return mysqlErrno(err) === DUPLICATE_KEY;
}
