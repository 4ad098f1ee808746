/** Errors with stable codes, so the pipeline can tell a transient failure from a permanent one. */
import { types } from "node:util";
export class SeawallError extends Error {
  /** Not the record's fault (credentials, permissions, configuration): never dead-letter for it. */
  readonly systemic: boolean;
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; systemic?: boolean },
  ) {
    super(message, options);
    this.systemic = options?.systemic ?? false;
    this.name = new.target.name;
  }
}

/** Worth retrying: a timeout, a dropped connection, a throttled or unavailable service. */
export class TransientError extends SeawallError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/**
 * Never worth retrying. By default the record is wrong: dead-letter it. With `systemic: true` the
 * worker's setup is wrong (auth, permissions, configuration): stop and say so, dead-letter nothing.
 */
export class PermanentError extends SeawallError {
  constructor(code: string, message: string, options?: { cause?: unknown; systemic?: boolean }) {
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

/** Redis error replies worth retrying: the server is starting, busy, failing over, or lost a script. */
const TRANSIENT_REPLY = /^(NOSCRIPT|LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|MOVED|ASK)\b/;
/** Redis error replies that say the worker cannot work at all: no record is to blame. */
const SYSTEMIC_REPLY = /^(NOAUTH|WRONGPASS|NOPERM|OOM|MISCONF|NOREPLICAS)\b/;

function isErrorReply(e: Error): boolean {
  // node-redis's ErrorReply, SimpleError, BlobError and MultiErrorReply (class names are stable API).
  return /^(ErrorReply|SimpleError|BlobError|MultiErrorReply)$/.test(e.constructor.name);
}

function replyErrors(e: Error): Error[] {
  const replies = (e as Error & { replies?: unknown[]; errorIndexes?: number[] }).replies;
  const idx = (e as Error & { errorIndexes?: number[] }).errorIndexes;
  if (e.constructor.name === "MultiErrorReply" && Array.isArray(replies) && Array.isArray(idx))
    return idx.map((i) => replies[i]).filter((r): r is Error => r instanceof Error);
  return [e];
}

/**
 * Classifies any error: ours by flag, system and SDK errors by code or HTTP status, Redis by reply.
 * Only errors a retry can fix are transient: timeouts, dropped or refused connections, throttling,
 * an open circuit, and the Redis replies in `TRANSIENT_REPLY` (a restarted server forgot its scripts).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof SeawallError) return err.transient;
  // isNativeError: an error made by Node itself in another realm (a test's vm context) is still one.
  if (!(err instanceof Error) && !types.isNativeError(err)) return false;
  if (isErrorReply(err)) return replyErrors(err).every((r) => TRANSIENT_REPLY.test(r.message));
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
  // cockatiel's errors keep the name "Error": a timed-out attempt, an open or isolated breaker.
  if ("isTaskCancelledError" in e || "isBrokenCircuitError" in e || "isIsolatedCircuitError" in e)
    return true;
  if (e.name === "ConnectionTimeoutError" || e.name === "SocketClosedUnexpectedlyError") return true;
  if (e.name === "ClientClosedError" || e.name === "ClientOfflineError") return true;
  if (e.isRetriable === true || e.retriable === true || e.$retryable) return true;
  if (typeof e.code === "string" && transientCodes.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  if (TRANSIENT_REPLY.test(e.message)) return true;
  if (/Connection is closed|socket|ECONNREFUSED|timed? ?out/i.test(e.message)) return true;
  return false;
}

/**
 * How a failed effect is handled:
 * - `transient`: replay the batch after a backoff;
 * - `record`: a record is to blame (a `PermanentError`, a Redis reply about the data such as
 *   `WRONGTYPE`, a `TypeError`/`RangeError` raised by the record's content): split the batch and
 *   dead-letter the records that fail alone;
 * - `systemic`: nothing a record did (wrong credentials, no permission, a full server, an unknown
 *   error): replay after a longer backoff and never dead-letter, so a misconfiguration cannot empty
 *   the stream into the dead-letter topic.
 */
export type FailureKind = "transient" | "record" | "systemic";

export function failureKind(err: unknown): FailureKind {
  if (isTransient(err)) return "transient";
  if (err instanceof SeawallError) return err.systemic ? "systemic" : "record";
  if (!(err instanceof Error)) return "systemic";
  if (isErrorReply(err))
    return replyErrors(err).some((r) => SYSTEMIC_REPLY.test(r.message)) ? "systemic" : "record";
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return "record";
  return "systemic";
}

/** The stable code of an error, for metrics, logs and dead-letter headers. */
export function errorCode(err: unknown): string {
  if (err instanceof SeawallError) return err.code;
  if (err instanceof Error) {
    if (isErrorReply(err)) return `REDIS_${/^[A-Z]+/.exec(replyErrors(err)[0]?.message ?? "")?.[0] ?? "ERR"}`;
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === "string" || typeof code === "number") return String(code);
    return err.name;
  }
  return "UNKNOWN";
}
