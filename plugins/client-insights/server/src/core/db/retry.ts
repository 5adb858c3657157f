/** Retries `fn` on transient failures with exponential backoff (base, 2×base, 4×base, …). */
export const withRetry = async <T>(
  fn: (attempt: number) => Promise<T>,
  {
    attempts,
    baseMs,
    isTransient,
    canWait = () => true,
    onRetry,
  }: {
    attempts: number;
    baseMs: number;
    isTransient(error: unknown): boolean;
    canWait?(ms: number): boolean;
    onRetry?(error: unknown, attempt: number, delayMs: number): void;
  }
): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      const delay = baseMs * 2 ** (attempt - 1);
      if (attempt >= attempts || !isTransient(error) || !canWait(delay)) throw error;
      onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
};
