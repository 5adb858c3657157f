/** What the three databases' errors mean, by their codes (PostgreSQL SQLSTATE, MySQL errno, SQLite message or code). */
type DbError = { code?: string; errno?: number; message?: string };

/** True when `error` is a statement cancelled by `setStatementTimeout` (transactions.ts). */
export const isStatementTimeout = (error: unknown): boolean => {
  const e = error as DbError;
  return (
    e?.code === '57014' ||
    e?.errno === 1969 ||
    e?.errno === 3024 ||
    (error as Error)?.name === 'StatementTimeoutError' ||
    /max_statement_time|statement timeout/i.test(e?.message ?? '')
  );
};

/** True when `error` is a unique-constraint violation (PostgreSQL, MySQL/MariaDB or SQLite). */
export const isUniqueViolation = (error: unknown): boolean => {
  const e = error as DbError;
  return e?.code === '23505' || e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || /UNIQUE constraint failed/.test(e?.message ?? '');
};

/** Deadlocks, serialisation failures, lock waits and dropped connections: worth retrying. */
export const isTransientError = (error: unknown): boolean => {
  const e = error as DbError;
  const code = String(e?.code ?? '');
  if (
    [
      '40001',
      '40P01',
      '55P03',
      '57P01',
      '08000',
      '08003',
      '08006',
      'ER_LOCK_DEADLOCK',
      'ER_LOCK_WAIT_TIMEOUT',
      'SQLITE_BUSY',
      'SQLITE_LOCKED',
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
      'PROTOCOL_CONNECTION_LOST',
    ].includes(code)
  )
    return true;
  return e?.errno === 1213 || e?.errno === 1205 || /Knex: Timeout acquiring a connection/.test(e?.message ?? '');
};
