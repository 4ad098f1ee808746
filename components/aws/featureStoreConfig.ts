import { EvictionPolicy, EVICTION_POLICIES } from "../platformArgs";

/**
 * Pure logic of the ElastiCache feature store: the engine's parameter group family and parameters,
 * and the maintenance and snapshot windows. No Pulumi here, so it is tested directly.
 */

/** The Valkey version new feature stores get. See https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html */
export const DEFAULT_VALKEY_VERSION = "8.2";

/** Valkey versions ElastiCache takes as `major.minor`. */
export const VALKEY_VERSION = /^(\d+)\.(\d+)$/;

/** The eviction policies Valkey offers. */
export const MAXMEMORY_POLICIES = EVICTION_POLICIES;
export type MaxmemoryPolicy = EvictionPolicy;

/** The parameter group family of a Valkey version: `8.2` → `valkey8`. */
export function parameterGroupFamily(version: string): string {
  const m = VALKEY_VERSION.exec(version);
  if (!m) throw new Error(`not a Valkey version: ${version}`);
  return `valkey${m[1]}`;
}

/**
 * The feature store's engine parameters: an explicit eviction policy, and cluster mode on exactly
 * when there is more than one shard. Sorted by name, as ElastiCache reports them.
 */
export function engineParameters(policy: MaxmemoryPolicy, shards: number): { name: string; value: string }[] {
  return [
    { name: "cluster-enabled", value: shards > 1 ? "yes" : "no" },
    { name: "maxmemory-policy", value: policy },
  ];
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEK = 7 * 24 * 60;
const DAY = 24 * 60;

function clock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** A window as minutes from the start of its period: [start, end), end past the period when it wraps. */
export interface Window {
  start: number;
  end: number;
  /** Minutes in the period the window repeats over: a week or a day. */
  period: number;
}

/** Parses a weekly window `ddd:hh:mm-ddd:hh:mm` (UTC), e.g. `sun:05:00-sun:06:00`. */
export function parseWeeklyWindow(text: string): Window | undefined {
  const m = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const [d1, d2] = [DAYS.indexOf(m[1]), DAYS.indexOf(m[3])];
  const [t1, t2] = [clock(m[2]), clock(m[4])];
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) return undefined;
  const start = d1 * DAY + t1;
  let end = d2 * DAY + t2;
  if (end <= start) end += WEEK;
  return { start, end, period: WEEK };
}

/** Parses a daily window `hh:mm-hh:mm` (UTC), e.g. `03:00-04:00`. */
export function parseDailyWindow(text: string): Window | undefined {
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const [start, e] = [clock(m[1]), clock(m[2])];
  if (start === undefined || e === undefined) return undefined;
  return { start, end: e <= start ? e + DAY : e, period: DAY };
}

export function windowMinutes(w: Window): number {
  return w.end - w.start;
}

/** True when a daily window overlaps a weekly one on any day of the week. */
export function windowsOverlap(daily: Window, weekly: Window): boolean {
  for (let day = -1; day <= 7; day++) {
    const s = daily.start + day * DAY;
    const e = daily.end + day * DAY;
    for (const shift of [-WEEK, 0, WEEK]) {
      if (s < weekly.end + shift && weekly.start + shift < e) return true;
    }
  }
  return false;
}
