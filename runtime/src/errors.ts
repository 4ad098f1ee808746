/** Errors with stable codes, so the pipeline can tell a transient failure from a permanent one. */
export class SeawallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth retrying: a timeout, a dropped connection, a throttled or unavailable service. */
export class TransientError extends SeawallError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/** Never worth retrying: the record or the request is wrong; dead-letter it. */
export class PermanentError extends SeawallError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

const transientCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTCONN",
  "EBUSY",
  "EMFILE",
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "ThrottlingException",
]);

/** Classifies any error: ours by flag, system and SDK errors by code or HTTP status, Redis by type. */
export function isTransient(err: unknown): boolean {
  if (err instanceof SeawallError) return err.transient;
  if (!(err instanceof Error)) return false;
  const e = err as Error & {
    code?: unknown;
    name: string;
    isRetriable?: boolean;
    retriable?: boolean;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (e.name === "TimeoutError" || e.name === "TaskCancelledError" || e.name === "BrokenCircuitError")
    return true;
  if (e.name === "ConnectionTimeoutError" || e.name === "SocketClosedUnexpectedlyError") return true;
  if (e.name === "ClientClosedError" || e.name === "ClientOfflineError") return true;
  if (e.isRetriable === true || e.retriable === true || e.$retryable) return true;
  if (typeof e.code === "string" && transientCodes.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  if (/^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)/.test(e.message)) return true;
  if (/Connection is closed|socket|ECONNREFUSED|timed? ?out/i.test(e.message)) return true;
  return false;
}
