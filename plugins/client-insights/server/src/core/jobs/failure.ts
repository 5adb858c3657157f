import { randomUUID } from 'crypto';
import { ApiError } from '../../../../shared/errors';
import { JOB_ERROR_CODES, type JobErrorCode } from '../../../../shared/enums';
import { isStatementTimeout } from '../db/dialect';

/** Errors whose message is written for people and safe to show; anything else may hold SQL, paths or data. */
const SAFE: Record<string, JobErrorCode> = {
  RunTimeoutError: 'timeout',
  JobCancelledError: 'cancelled',
  RuleValidationError: 'invalid_rule',
};

/**
 * What a failed run or job records for its readers: a stable code and a message for people,
 * stored as `code: message`. An unexpected error (a database error quoting its SQL, a bug) is
 * logged in full with a reference, and only the reference reaches the record (after `prefix`,
 * e.g. the phase it failed in).
 */
export const recordedFailure = (error: unknown, log: { error(msg: string): void }, what: string, prefix = ''): string => {
  const name = (error as Error)?.constructor?.name ?? '';
  if (SAFE[name]) return `${SAFE[name]}: ${(error as Error).message}`.slice(0, 2000);
  if (error instanceof ApiError) return `refused: ${error.message}`.slice(0, 2000);
  if (isStatementTimeout(error)) return `timeout: ${prefix}the database cancelled a statement that ran too long`;
  const reference = randomUUID();
  log.error(`[client-insights] ${what} failed (reference ${reference}): ${(error as Error)?.stack ?? String(error)}`);
  return `internal: ${prefix}an internal error stopped it; the server log has the details under reference ${reference}`;
};

const STORED = new RegExp(`^(${JOB_ERROR_CODES.join('|')}): ([\\s\\S]*)$`);

/** A recorded failure as its code and message; text from before codes were recorded is not shown (it may hold SQL). */
export const readFailure = (text: string | null | undefined): { error: string | null; errorCode: JobErrorCode | null } => {
  if (text === null || text === undefined || text === '') return { error: null, errorCode: null };
  const match = STORED.exec(text);
  if (match) return { errorCode: match[1] as JobErrorCode, error: match[2] };
  return { errorCode: 'internal', error: 'it failed; the server log has the details' };
};
