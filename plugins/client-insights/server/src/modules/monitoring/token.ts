import { createHash, timingSafeEqual } from 'crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an Authorization header carries the metrics token. No configured token refuses every
 * caller; the comparison takes the same time whatever the guess (hashes of equal length).
 */
export const hasMetricsToken = (authorization: string | undefined, token: string | undefined) => {
  if (!token) return false;
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  return Boolean(match) && timingSafeEqual(digest(match![1]), digest(token));
};
