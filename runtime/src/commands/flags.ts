/**
 * Checks of the flag values the maintenance commands share (times, dates, object-store prefixes):
 * each bad value is a {@link UsageError} naming the flag, the value and what to give instead.
 */
import { UsageError, type RawArgs } from "./command";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A flag's string value, or undefined when it was not given. */
export function stringFlag(values: RawArgs, flag: string): string | undefined {
  const v = values[flag];
  return typeof v === "string" ? v : undefined;
}

/** A flag the command cannot run without. */
export function requiredFlag(command: string, values: RawArgs, flag: string, example: string): string {
  const v = stringFlag(values, flag);
  if (v === undefined)
    throw new UsageError(`${command}: --${flag}: missing; give it, e.g. --${flag} ${example}`);
  return v;
}

/** Whether a `YYYY-MM-DD` names a real day (2026-02-30 does not). */
function isDay(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/**
 * A UTC date, `YYYY-MM-DD`, as given (the lake's `dt=` partitions are UTC dates).
 */
export function dateFlag(command: string, flag: string, value: string): string {
  if (!isDay(value)) {
    throw new UsageError(
      `${command}: --${flag}: got ${JSON.stringify(value)}; give a UTC date as YYYY-MM-DD, e.g. --${flag} 2026-01-31`,
    );
  }
  return value;
}

/**
 * A point in time from an ISO time with a zone (`2026-01-31T12:00:00Z`, `...+02:00`) or a UTC date.
 * A date means the start of that day, or with `endOfDay` its last millisecond (so `--to 2026-01-31`
 * takes the whole day). A time without a zone is refused: it would depend on the pod's clock zone.
 * Returns epoch ms.
 */
export function timeFlag(command: string, flag: string, value: string, endOfDay = false): number {
  if (isDay(value)) return Date.parse(`${value}T00:00:00Z`) + (endOfDay ? DAY_MS - 1 : 0);
  const ms = TIME.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || !isDay(value.slice(0, 10))) {
    throw new UsageError(
      `${command}: --${flag}: got ${JSON.stringify(value)}; give an ISO time with a zone (2026-01-31T12:00:00Z) or a UTC date (2026-01-31)`,
    );
  }
  return ms;
}

/**
 * An object-store key prefix: relative (no leading "/"), without empty, "." or ".." segments;
 * returned ending in "/".
 */
export function prefixFlag(command: string, flag: string, value: string): string {
  const trimmed = value.replace(/\/+$/, "");
  const bad = trimmed === "" || trimmed.split("/").some((p) => p === "" || p === "." || p === "..");
  if (bad || /[\u0000-\u001f]/.test(value)) {
    throw new UsageError(
      `${command}: --${flag}: got ${JSON.stringify(value)}; give a relative key prefix without empty, "." or ".." segments, e.g. --${flag} backups/features/`,
    );
  }
  return `${trimmed}/`;
}

/** A topic name as Kafka allows it (the lake's topic directories are topic names). */
export function topicFlag(command: string, flag: string, value: string): string {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(value) || value === "." || value === "..") {
    throw new UsageError(
      `${command}: --${flag}: got ${JSON.stringify(value)}; give a Kafka topic name (letters, digits, ".", "_", "-"), e.g. --${flag} events.unique`,
    );
  }
  return value;
}
