import pino from "pino";

/** JSON logs on stdout, one line per event, with the stage in every line. */
export function createLogger(stage: string, level: string): pino.Logger {
  return pino({ level, base: { stage, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type Logger = pino.Logger;

/**
 * Reports a client's errors without flooding the log: every error is counted by the caller, and
 * each distinct message is logged at most once per `intervalMs`, with how many were suppressed.
 * @param intervalMs @defaultValue 10000
 */
export function rateLimitedErrorLog(
  log: Logger,
  client: string,
  intervalMs = 10_000,
): (err: unknown) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (err) => {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    const seen = last.get(message);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    if (last.size > 1000) last.clear();
    last.set(message, { at: now, suppressed: 0 });
    log.warn({ err, client, suppressedSinceLast: seen?.suppressed ?? 0 }, `${client} error`);
  };
}
