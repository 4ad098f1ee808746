/**
 * Pure logic of the Azure Managed Redis feature store: the SKUs, eviction policies and persistence
 * Azure Managed Redis accepts, and the persistence settings as the provider takes them. No Pulumi
 * here, so it is tested directly. See https://learn.microsoft.com/azure/redis/overview
 */

/** Azure Managed Redis SKU families (azure-native 3.28's `redisenterprise.SkuName`). */
export const MANAGED_REDIS_SKU =
  /^(Balanced_B(0|1|3|5|10|20|50|100|150|250|350|500|700|1000)|MemoryOptimized_M(10|20|50|100|150|250|350|500|700|1000|1500|2000)|ComputeOptimized_X(3|5|10|20|50|100|150|250|350|500|700)|FlashOptimized_A(250|500|700|1000|1500|2000|4500))$/;

/** The retiring Azure Cache for Redis Enterprise SKUs the same resource type also takes. */
export const RETIRING_SKU = /^Enterprise(Flash)?_[EF]\d+$/;

/** Eviction policies of an Azure Managed Redis database. */
export const EVICTION_POLICIES = [
  "VolatileLRU",
  "VolatileLFU",
  "VolatileTTL",
  "VolatileRandom",
  "AllKeysLRU",
  "AllKeysLFU",
  "AllKeysRandom",
  "NoEviction",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** How often the append-only file is written to disk: every second, or at every write. */
export const AOF_FREQUENCIES = ["1s", "always"] as const;
/** How often an RDB snapshot is taken. */
export const RDB_FREQUENCIES = ["1h", "6h", "12h"] as const;

/** Persistence of the database: the append-only file (AOF) or snapshots (RDB). */
export type Persistence =
  | { mode: "AOF"; frequency?: (typeof AOF_FREQUENCIES)[number] }
  | { mode: "RDB"; frequency?: (typeof RDB_FREQUENCIES)[number] };

/** The default: an append-only file written every second (at most a second of writes lost). */
export const DEFAULT_PERSISTENCE: Persistence = { mode: "AOF", frequency: "1s" };

/** The port of every Azure Managed Redis database (TLS). */
export const MANAGED_REDIS_PORT = 10000;

/** Cluster names: 1 to 60 letters, digits and single hyphens, not at either end. */
export const CLUSTER_NAME = /^(?!-)(?!.*--)[a-zA-Z0-9-]{1,60}(?<!-)$/;

/** The private link sub-resource of an Azure Managed Redis cluster, and its private DNS zone. */
export const PRIVATE_LINK_GROUP = "redisEnterprise";
export const PRIVATE_DNS_ZONE = "privatelink.redis.azure.net";

/** The persistence block of `redisenterprise.Database`: exactly one of AOF and RDB on. */
export function persistenceArgs(p: Persistence): {
  aofEnabled: boolean;
  rdbEnabled: boolean;
  aofFrequency?: string;
  rdbFrequency?: string;
} {
  return p.mode === "AOF"
    ? { aofEnabled: true, rdbEnabled: false, aofFrequency: p.frequency ?? "1s" }
    : { aofEnabled: false, rdbEnabled: true, rdbFrequency: p.frequency ?? "1h" };
}
