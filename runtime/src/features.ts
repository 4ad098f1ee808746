/**
 * Feature keys and snapshots: the one shape dedup computes, the feature writer stores and the
 * feature server returns.
 */
import { parseJsonObject } from "./json";

/**
 * The largest |value| an event may carry into the features: a window's sum of values this size
 * stays finite (and exact to 1 part in 2^53 per event) for any number of events Redis can hold.
 */
export const MAX_ABS_VALUE = 1e15;

/** One entity's windowed features. */
export interface FeatureSnapshot {
  entity: string;
  count: number;
  sum: number;
  mean: number;
  /** Latest event time in the window, epoch ms. */
  windowEnd: number;
  windowSeconds: number;
  /** Distinct events ever folded in: grows monotonically, orders snapshots of one entity. */
  version: number;
}

/** The Redis hash the feature writer stores and the feature server reads. */
export const featureKey = (entity: string) => `seawall:features:${entity}`;
/** Dedup's working state per entity: the window (sorted set) and the running sums (hash). */
export const windowKey = (entity: string) => `seawall:fw:${entity}`;
export const windowStateKey = (entity: string) => `seawall:fs:${entity}`;

/** The hash fields of a stored snapshot, in the order the feature server reads them. */
export const FEATURE_FIELDS = ["version", "count", "sum", "mean", "windowEnd", "windowSeconds"] as const;

/**
 * Parses a snapshot from the features topic, or says what is wrong with it (for the dead-letter
 * topic): every field present and a finite number, the entity a non-empty string.
 */
export function parseSnapshot(
  value: Buffer | null,
): { ok: true; snapshot: FeatureSnapshot } | { ok: false; detail: string } {
  const parsed = parseJsonObject(value);
  if (!parsed.ok) return parsed;
  const o = parsed.object;
  if (typeof o.entity !== "string" || o.entity === "")
    return { ok: false, detail: "/entity: must be a non-empty string" };
  for (const f of FEATURE_FIELDS) {
    if (typeof o[f] !== "number" || !Number.isFinite(o[f]))
      return { ok: false, detail: `/${f}: must be a finite number` };
  }
  return { ok: true, snapshot: o as unknown as FeatureSnapshot };
}
