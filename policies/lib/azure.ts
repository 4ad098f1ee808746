/**
 * azure-native type tokens. Each also matches its API-versioned aliases
 * (`azure-native:storage/v20230101:StorageAccount`), see `matchesType`.
 */
export const AZURE = {
  storageAccount: "azure-native:storage:StorageAccount",
  blobService: "azure-native:storage:BlobServiceProperties",
  redis: ["azure-native:redis:Redis", "azure-native:cache:Redis"],
  managedRedis: ["azure-native:redisenterprise:RedisEnterprise", "azure-native:cache:RedisEnterprise"],
  managedRedisDatabase: ["azure-native:redisenterprise:Database", "azure-native:cache:Database"],
  eventHubNamespace: "azure-native:eventhub:Namespace",
  postgresFlexible: "azure-native:dbforpostgresql:Server",
} as const;

/**
 * The API version a token pins (`20230101` for `.../v20230101:...`, preview suffixes dropped), or
 * undefined for the default token, which uses the provider's current API version.
 */
export function apiVersionOf(type: string): string | undefined {
  return /\/v(\d{8})[a-z]*:/.exec(type)?.[1];
}

/** Whether the resource uses an API version older than `yyyymmdd` (where Azure's defaults differed). */
export function olderApiThan(type: string, yyyymmdd: string): boolean {
  const v = apiVersionOf(type);
  return v !== undefined && v < yyyymmdd;
}

/** "TLS1_2", "1.2", "Tls12" → 1.2; undefined when unreadable. */
export function tlsVersion(value: unknown): number | undefined {
  const m = /(\d)[._]?(\d)$/.exec(String(value ?? ""));
  return m ? Number(`${m[1]}.${m[2]}`) : undefined;
}
