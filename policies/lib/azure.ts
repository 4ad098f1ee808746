import { PolicyResource } from "@pulumi/policy";
import { known, matchesType, Props, UNKNOWN } from "./rule";

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
  /** The retired Single Server; also what the 2017-12-01 API tokens of `Server` create. */
  postgresSingle: "azure-native:dbforpostgresql:SingleServer",
  blobContainer: "azure-native:storage:BlobContainer",
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

/**
 * Where a PostgreSQL server's backup settings are and how it is created. Flexible Server keeps them
 * in `backup`; Single Server (`SingleServer`, and `Server` on the 2017-12-01 APIs, which azure-native
 * still accepts as aliases) in `properties.storageProfile`, with `properties.createMode`.
 */
export interface PostgresBackupView {
  /** Input path of the backup settings object: `backup` or `properties.storageProfile`. */
  path: string;
  settings: Props | undefined;
  /** The create mode, compared case-insensitively by Azure ("Default" when unset). */
  createMode: string;
}

export function postgresBackupOf(type: string, props: Props): PostgresBackupView {
  const single =
    matchesType(AZURE.postgresSingle, type) ||
    /^2017/.test(apiVersionOf(type) ?? "") ||
    isObject(props.properties);
  if (single) {
    const properties = props.properties as Props | undefined;
    return {
      path: "properties.storageProfile",
      settings: properties?.storageProfile as Props | undefined,
      createMode: String(properties?.createMode ?? "Default"),
    };
  }
  return {
    path: "backup",
    settings: props.backup as Props | undefined,
    createMode: String(props.createMode ?? "Default"),
  };
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const REPLICA_ROLES = ["asyncreplica", "geoasyncreplica", "replica"];

/**
 * Why a PostgreSQL server's own backup `setting` is not to be judged, or undefined when it is: a read
 * replica takes no backups (Azure: "Backups, including geo-backups" are unsupported on read replicas;
 * its primary is judged), and a point-in-time or geo-restore left without the setting inherits its
 * source server's backup retention and redundancy (the source is judged).
 */
export function postgresBackupNotApplicable(
  view: PostgresBackupView,
  props: Props,
  setting: string,
): string | undefined {
  const mode = view.createMode.toLowerCase();
  const role = String(props.replicationRole ?? "").toLowerCase();
  if (mode === "replica" || REPLICA_ROLES.includes(role)) {
    return "a read replica: Azure takes no backups of replicas, its primary's backups are judged";
  }
  if ((mode === "pointintimerestore" || mode === "georestore") && view.settings?.[setting] === undefined) {
    return `a ${view.createMode} server inherits ${setting} from its source server, which is judged`;
  }
  return undefined;
}

/**
 * Whether a storage account lets containers be public: `allowBlobPublicAccess` true, or unset on an
 * API version before 2023-01-01 (whose default was true); from 2023-01-01 the default is false.
 */
export function allowsBlobPublicAccess(type: string, props: Props): boolean {
  const allow: unknown = props.allowBlobPublicAccess;
  return allow === true || (allow === undefined && olderApiThan(type, "20230101"));
}

/** The storage accounts of a stack by their literal `accountName` (accounts whose name is unknown are left out). */
export function storageAccountsByName(resources: PolicyResource[]): Map<string, PolicyResource[]> {
  const byName = new Map<string, PolicyResource[]>();
  for (const a of resources) {
    if (!matchesType(AZURE.storageAccount, a.type)) continue;
    const name = known(() => a.props.accountName as unknown, undefined);
    if (typeof name !== "string") continue;
    const list = byName.get(name);
    if (list) list.push(a);
    else byName.set(name, [a]);
  }
  return byName;
}

/**
 * The storage account(s) a resource with an `accountName` input belongs to: through
 * propertyDependencies.accountName, else a literal name match; UNKNOWN when the name is unknown
 * during a preview and no dependency says which account it is.
 */
export function storageAccountsOf(
  resource: PolicyResource,
  byName: Map<string, PolicyResource[]>,
): PolicyResource[] | typeof UNKNOWN {
  const deps = (resource.propertyDependencies.accountName ?? []).filter((r) =>
    matchesType(AZURE.storageAccount, r.type),
  );
  if (deps.length > 0) return deps;
  const name = known(() => resource.props.accountName as unknown, UNKNOWN);
  if (name === UNKNOWN) return UNKNOWN;
  return typeof name === "string" ? (byName.get(name) ?? []) : [];
}
