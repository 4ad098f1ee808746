/**
 * Pure logic of the Memorystore for Valkey feature store: the versions, node types, persistence and
 * windows the service accepts, and the client endpoint read from the instance. No Pulumi here, so
 * it is tested directly.
 * See https://cloud.google.com/memorystore/docs/valkey/reference/rest/v1/projects.locations.instances
 */

import { EvictionPolicy, EVICTION_POLICIES } from "../platformArgs";

/** The Valkey version new instances get, as `major.minor`. */
export const DEFAULT_VALKEY_VERSION = "8.0";

/** `major.minor`; Memorystore offers Valkey 7.2 and later. */
export const VALKEY_VERSION = /^(\d+)\.(\d+)$/;

/** The API's name of a Valkey version: `8.0` → `VALKEY_8_0`. */
export function engineVersionName(version: string): string {
  return `VALKEY_${version.replace(".", "_")}`;
}

/** Whether `version` is `major.minor` and 7.2 or later. */
export function isValkeyVersion(version: unknown): boolean {
  const m = typeof version === "string" ? VALKEY_VERSION.exec(version) : null;
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 7 || (major === 7 && minor >= 2);
}

/** Memorystore for Valkey node types. See https://cloud.google.com/memorystore/docs/valkey/instance-node-specification */
export const NODE_TYPES = [
  "SHARED_CORE_NANO",
  "CUSTOM_PICO",
  "CUSTOM_MICRO",
  "CUSTOM_MINI",
  "STANDARD_SMALL",
  "STANDARD_LARGE",
  "HIGHCPU_MEDIUM",
  "HIGHMEM_MEDIUM",
  "HIGHMEM_XLARGE",
  "HIGHMEM_2XLARGE",
] as const;

/** What Valkey evicts when memory is full: the cloud-neutral list. See https://valkey.io/topics/lru-cache/ */
export const MAXMEMORY_POLICIES = EVICTION_POLICIES;
export type MaxmemoryPolicy = EvictionPolicy;

/** Periods between RDB snapshots. */
export const RDB_PERIODS = ["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"] as const;
/** When the append-only file is flushed to disk. `NEVER` leaves it to the kernel. */
export const AOF_FSYNCS = ["EVERY_SEC", "ALWAYS", "NEVER"] as const;

/** Persistence: RDB snapshots every period, or an append-only file of every write. There is no "off". */
export type Persistence =
  | { mode: "RDB"; rdbSnapshotPeriod?: (typeof RDB_PERIODS)[number] }
  | { mode: "AOF"; appendFsync?: (typeof AOF_FSYNCS)[number] };

/** The default: every write logged, flushed each second, so a restart loses at most a second. */
export const DEFAULT_PERSISTENCE: Persistence = { mode: "AOF", appendFsync: "EVERY_SEC" };

/** The instance's `persistenceConfig`, as the provider takes it. */
export function persistenceConfig(p: Persistence) {
  return p.mode === "RDB"
    ? { mode: "RDB", rdbConfig: { rdbSnapshotPeriod: p.rdbSnapshotPeriod ?? "ONE_HOUR" } }
    : { mode: "AOF", aofConfig: { appendFsync: p.appendFsync ?? "EVERY_SEC" } };
}

export const DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
export type Day = (typeof DAYS)[number];

/** A weekly one-hour maintenance window (UTC): the service fixes its length at one hour. */
export interface MaintenanceWindow {
  day: Day;
  /** Hour the window starts, 0 to 23 UTC. */
  hour: number;
}

/** A duration in seconds, as the API writes it: `604800s`. */
export function seconds(days: number): string {
  return `${days * 86_400}s`;
}

/** Instance ids Memorystore accepts: 4 to 63 lower-case letters, digits and hyphens, not ending in one. */
export const INSTANCE_ID = /^[a-z0-9][-a-z0-9]{2,61}[a-z0-9]$/;

/** A VPC network as `projects/PROJECT/global/networks/NETWORK`. */
export const NETWORK_ID = /^projects\/[^/]+\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The port Memorystore for Valkey serves clients on. */
export const VALKEY_PORT = 6379;

/** The instance's endpoints as the provider reports them (the parts read here). */
export interface InstanceEndpoint {
  connections?: { pscAutoConnection?: { connectionType?: string; ipAddress?: string; port?: number } }[];
}

/**
 * Where clients of a cluster-mode-disabled instance connect: the primary endpoint's Private Service
 * Connect address (reads and writes), else the discovery endpoint's; `undefined` before the instance
 * reports one.
 */
export function primaryEndpoint(
  endpoints: InstanceEndpoint[] | undefined,
): { host: string; port: number } | undefined {
  const connections = (endpoints ?? []).flatMap((e) => e.connections ?? []).map((c) => c.pscAutoConnection);
  for (const type of ["CONNECTION_TYPE_PRIMARY", "CONNECTION_TYPE_DISCOVERY"]) {
    const psc = connections.find((c) => c?.connectionType === type && c.ipAddress);
    if (psc) return { host: psc.ipAddress!, port: psc.port ?? VALKEY_PORT };
  }
  return undefined;
}
