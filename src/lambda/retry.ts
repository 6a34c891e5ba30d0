/** Retries a request that AWS throttled, with capped exponential backoff and full jitter. */

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry, in milliseconds; doubles after each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits; tests pass one that returns at once. */
  sleep: (ms: number) => Promise<void>;
  /** Called before each retry with the attempt that failed, from 1. */
  onRetry?: (attempt: number, error: unknown) => void;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Error codes AWS services return when a caller exceeds a request rate. */
const THROTTLING_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "SlowDown",
]);

/** Tells whether an SDK error is a throttling error worth retrying. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const fields = error as { name?: unknown; $retryable?: { throttling?: boolean } };
  if (fields.$retryable?.throttling) return true;
  return typeof fields.name === "string" && THROTTLING_CODES.has(fields.name);
}

/** Runs `request`, retrying throttling errors only; any other error is thrown at once. */
export async function withThrottlingRetry<T>(
  request: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= options.attempts || !isThrottling(error)) throw error;
      options.onRetry?.(attempt, error);
      const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      await options.sleep(Math.random() * cap);
    }
  }
}
