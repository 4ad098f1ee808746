import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from "cockatiel";
import { isTransient } from "./errors";
import type { Metrics } from "./metrics";

export interface CallPolicyOptions {
  /** Label in metrics and logs: "redis", "object-store". */
  dependency: string;
  /** Per-attempt timeout. @defaultValue 5000 */
  timeoutMs: number;
  /** Retries after the first attempt (cockatiel's `maxAttempts`). @defaultValue 6 */
  maxAttempts: number;
  /** Consecutive transient failures that open the breaker. @defaultValue 5 */
  breakerThreshold: number;
  /** @defaultValue 1000 */
  halfOpenAfterMs: number;
}

/**
 * Timeout on every attempt, inside a circuit breaker, inside retries with exponential backoff and
 * decorrelated jitter. Only transient errors are retried or counted by the breaker.
 */
export function callPolicy(options: Partial<CallPolicyOptions> & { dependency: string }, metrics?: Metrics) {
  const o = { timeoutMs: 5000, maxAttempts: 6, breakerThreshold: 5, halfOpenAfterMs: 1000, ...options };
  const transient = handleWhen(isTransient);
  const retryPolicy = retry(transient, {
    maxAttempts: o.maxAttempts,
    backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 2000 }),
  });
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: o.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  const perAttempt = timeout(o.timeoutMs, TimeoutStrategy.Aggressive);
  if (metrics) {
    const gauge = metrics.breakerState.labels(o.dependency);
    gauge.set(0);
    breaker.onStateChange((s) =>
      gauge.set(
        s === CircuitState.Open ? 2 : s === CircuitState.HalfOpen ? 1 : s === CircuitState.Isolated ? 2 : 0,
      ),
    );
    retryPolicy.onRetry(() => metrics.retries.labels(o.dependency).inc());
  }
  const policy = wrap(retryPolicy, breaker, perAttempt);
  return {
    breaker,
    execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
      // A signal per call: cockatiel listens on it, and a shared one would collect listeners.
      return policy.execute(({ signal }) => fn(signal), new AbortController().signal);
    },
  };
}
export type CallPolicy = ReturnType<typeof callPolicy>;
