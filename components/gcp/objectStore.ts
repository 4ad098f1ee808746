import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { LifecycleArgs, ObjectStoreLocation } from "../contracts";
import { helperChoice, isKnown, Problems } from "../validation";
import { checkGcpKmsKeyOption, gcpKmsKey, GcpKmsKeyOption, STORAGE_SERVICE } from "./kmsKey";
import { multiRegionOf, placement, Placement, PREDEFINED_DUAL_REGIONS } from "./objectStorePlacement";

const DAY = 86400;

/**
 * Lifecycle on Cloud Storage: objects move to Nearline after `infrequentAccessAfterDays`, Coldline
 * after `archiveAfterDays` and Archive after `deepArchiveAfterDays`; noncurrent versions are deleted
 * after `expireNoncurrentAfterDays`; incomplete multipart (XML API) uploads are aborted after
 * `abortIncompleteMultipartAfterDays`.
 */
export interface GcpLifecycleArgs extends LifecycleArgs {
  /**
   * Days after creation before objects move to the Archive class; later than `archiveAfterDays`.
   * @defaultValue 365
   */
  deepArchiveAfterDays?: number;
  /**
   * Not a GCP setting: the cloud-neutral field that names AWS's archive classes. Cloud Storage's
   * classes are fixed (Coldline at `archiveAfterDays`, Archive at `deepArchiveAfterDays`); any value
   * here is refused with the fix.
   */
  archiveStorageClass?: string;
}

/** A second bucket that receives the bucket's usage and storage logs. */
export interface GcpAccessLoggingArgs {
  /**
   * Days the log objects are kept.
   * @defaultValue 365
   */
  expireAfterDays?: number;
}

/** A bucket retention policy: objects cannot be deleted or replaced until they are this old. */
export interface GcpRetentionPolicyArgs {
  /** Days each object is retained (1 to 36500). */
  days: number;
  /**
   * Lock the policy: it can then never be removed or shortened, and the bucket cannot be deleted
   * until every object has aged out. Irreversible.
   * @defaultValue false
   */
  locked?: boolean;
}

export interface GcpObjectStoreArgs {
  /**
   * The bucket's region, where data is written first.
   * @defaultValue the provider's `gcp:region`
   */
  region?: string;
  /**
   * Make the bucket dual-region: `{ replicaRegion }` a configurable dual-region of `region` and
   * `replicaRegion` (same continent: US, EU or ASIA), or `{ predefined }` one of Google's
   * dual-regions (`EUR4`, `NAM4`, `ASIA1`) that contains `region`. Cloud Storage replicates within
   * the one bucket, so there is no second bucket. `{ skip: true }` keeps it in one region.
   * @defaultValue { skip: true }
   */
  dualRegion?: { replicaRegion: string } | { predefined: "EUR4" | "NAM4" | "ASIA1" } | { skip: true };
  /**
   * Turbo replication (`rpo: "ASYNC_TURBO"`): new objects reach the second region within 15
   * minutes, under an SLA. Only for dual-region buckets.
   * @defaultValue true for a dual-region bucket
   */
  turboReplication?: boolean;
  /** The bucket's name (3-63 lower-case letters, digits, `-`, `_`, `.`). @defaultValue auto-named */
  bucketName?: string;
  /** Prefix the pipeline writes under, without a leading slash. @defaultValue "" */
  prefix?: string;
  /**
   * The customer-managed key; it must be in the bucket's location (see `objectStorePlacement.ts`).
   * `{ skip: true }` uses Google-managed keys, which the policy pack reports (mandatory in prod).
   * @defaultValue { args: {} } a key ring and key in the bucket's location, rotated every 90 days
   */
  kmsKey?: GcpKmsKeyOption;
  /** Lifecycle tiering and expiry. @defaultValue {} (Nearline 30, Coldline 90, Archive 365 days; 90/7) */
  lifecycle?: GcpLifecycleArgs;
  /**
   * Autoclass: Cloud Storage moves each object between classes by its access. Replaces the
   * lifecycle's class transitions (which Cloud Storage refuses beside it); the cloud-neutral
   * `intelligentTiering` maps here. Expiry rules stay.
   * @defaultValue false
   */
  autoclass?: boolean;
  /**
   * Not a GCP setting: S3 Intelligent-Tiering's archive tiers. Refused with the fix: use `autoclass`.
   */
  intelligentTiering?: unknown;
  /**
   * Days deleted or replaced objects stay recoverable (soft delete): 0 (off) or 7 to 90.
   * @defaultValue 30
   */
  softDeleteDays?: number;
  /** A bucket retention policy (WORM). @defaultValue none */
  retentionPolicy?: GcpRetentionPolicyArgs;
  /**
   * Usage and storage logs in a second bucket (`<name>-logs`) with the same protections.
   * @defaultValue { skip: true }
   */
  accessLogging?:
    | { args: GcpAccessLoggingArgs }
    | { existing: { bucketName: pulumi.Input<string> } }
    | { skip: true };
  /** Protect the bucket and key from deletion (`protect`). @defaultValue true */
  protect?: boolean;
  /** Labels on the bucket and the key. @defaultValue {} */
  labels?: Record<string, string>;
  /** The project. @defaultValue the provider's project */
  project?: pulumi.Input<string>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;

/** The placement the args ask for, or `undefined` when it cannot be formed. */
function placementOf(args: GcpObjectStoreArgs, region: string): Placement | undefined {
  const dual = args.dualRegion;
  return placement(region, dual && !("skip" in dual) ? dual : undefined);
}

/**
 * Checks a {@link GcpObjectStoreArgs} and throws one error listing every problem.
 * @param providerRegion the provider's `gcp:region`, used when `args.region` is unset
 */
export function validateGcpObjectStoreArgs(args: GcpObjectStoreArgs, providerRegion?: string): void {
  const p = new Problems();
  const region = args.region ?? providerRegion;
  const regionOk = typeof region === "string" && REGION.test(region);
  if (!regionOk) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_REGION",
      "region",
      args.region,
      'set a Google Cloud region such as "europe-west1", here or as the provider\'s gcp:region',
    );
  }
  const dual = args.dualRegion as Record<string, unknown> | undefined;
  let place: Placement | undefined;
  if (regionOk) place = placementOf(args, region);
  if (dual !== undefined && !("skip" in dual && dual.skip === true)) {
    if ("predefined" in dual) {
      const name = dual.predefined as string;
      const pair = PREDEFINED_DUAL_REGIONS[name];
      if (!pair || (regionOk && !pair.includes(region))) {
        p.add(
          "SEAWALL_GCP_OBJECTSTORE_PLACEMENT",
          "dualRegion.predefined",
          name,
          pair
            ? `${name} is made of ${pair.join(" and ")}; set region to one of them, or use { replicaRegion }`
            : `must be one of ${Object.keys(PREDEFINED_DUAL_REGIONS).join(", ")}, or use { replicaRegion } for a configurable dual-region`,
        );
      }
    } else if ("replicaRegion" in dual) {
      const replica = dual.replicaRegion;
      if (regionOk && !place) {
        p.add(
          "SEAWALL_GCP_OBJECTSTORE_PLACEMENT",
          "dualRegion.replicaRegion",
          replica,
          `a configurable dual-region pairs two different regions of one multi-region (US, EU or ASIA); ${region} is in ${multiRegionOf(region) ?? "none of them"}`,
        );
      }
    } else {
      p.add(
        "SEAWALL_GCP_OBJECTSTORE_PLACEMENT",
        "dualRegion",
        dual,
        "give { replicaRegion }, { predefined: EUR4 | NAM4 | ASIA1 } or { skip: true }",
      );
    }
  }
  if (args.turboReplication === true && !(place && place.replicaRegion)) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_TURBO_SINGLE_REGION",
      "turboReplication",
      true,
      "turbo replication needs a dual-region bucket; set dualRegion, or leave turboReplication unset",
    );
  }
  if (args.bucketName !== undefined && isKnown(args.bucketName)) {
    const n = args.bucketName;
    if (typeof n !== "string" || !BUCKET_NAME.test(n) || n.startsWith("goog") || n.includes("google")) {
      p.add(
        "SEAWALL_GCP_OBJECTSTORE_BUCKET_NAME",
        "bucketName",
        n,
        'must be 3-63 lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit, without "goog" at the start or "google" anywhere',
      );
    }
  }
  if (
    args.prefix !== undefined &&
    (typeof args.prefix !== "string" || args.prefix.startsWith("/") || args.prefix.includes("//"))
  ) {
    p.add("SEAWALL_OBJECTSTORE_PREFIX", "prefix", args.prefix, 'must not start with "/" or contain "//"');
  }
  checkGcpKmsKeyOption(p, "kmsKey", args.kmsKey, {
    location: place?.keyLocation,
    why: "the bucket's objects",
  });

  const l: GcpLifecycleArgs = args.lifecycle ?? {};
  const range = (field: keyof GcpLifecycleArgs, min: number) =>
    p.wholeNumber("SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_DAYS", `lifecycle.${field}`, l[field], min, 36500);
  range("infrequentAccessAfterDays", 1);
  range("archiveAfterDays", 1);
  range("deepArchiveAfterDays", 1);
  range("expireNoncurrentAfterDays", 1);
  range("abortIncompleteMultipartAfterDays", 1);
  const tiers: [keyof GcpLifecycleArgs, number][] = [
    ["infrequentAccessAfterDays", l.infrequentAccessAfterDays ?? 30],
    ["archiveAfterDays", l.archiveAfterDays ?? 90],
    ["deepArchiveAfterDays", l.deepArchiveAfterDays ?? 365],
  ];
  if (!args.autoclass) {
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i][1] <= tiers[i - 1][1]) {
        p.add(
          "SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_ORDER",
          `lifecycle.${tiers[i][0]}`,
          tiers[i][1],
          `must be later than lifecycle.${tiers[i - 1][0]} (${tiers[i - 1][1]}): objects move Nearline, then Coldline, then Archive`,
        );
      }
    }
  } else if (
    l.infrequentAccessAfterDays !== undefined ||
    l.archiveAfterDays !== undefined ||
    l.deepArchiveAfterDays !== undefined
  ) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_AUTOCLASS_TIERS",
      "lifecycle",
      l,
      "Cloud Storage refuses class transitions beside Autoclass; drop the *AfterDays class moves or turn autoclass off",
    );
  }
  if (l.archiveStorageClass !== undefined) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED",
      "lifecycle.archiveStorageClass",
      l.archiveStorageClass,
      "Cloud Storage has no such class choice: objects move to Coldline at archiveAfterDays and Archive at deepArchiveAfterDays; drop archiveStorageClass",
    );
  }
  if (args.intelligentTiering !== undefined) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED",
      "intelligentTiering",
      args.intelligentTiering,
      "S3 Intelligent-Tiering has no Cloud Storage counterpart; set autoclass: true, which moves objects by access",
    );
  }
  const soft = args.softDeleteDays;
  if (
    soft !== undefined &&
    (typeof soft !== "number" || !Number.isInteger(soft) || (soft !== 0 && (soft < 7 || soft > 90)))
  ) {
    p.add(
      "SEAWALL_GCP_OBJECTSTORE_SOFT_DELETE",
      "softDeleteDays",
      soft,
      "must be 0 (off, which the policy pack reports) or a whole number from 7 to 90",
    );
  }
  if (args.retentionPolicy !== undefined) {
    const days = (args.retentionPolicy as Partial<GcpRetentionPolicyArgs>).days;
    if (days === undefined) {
      p.add(
        "SEAWALL_GCP_OBJECTSTORE_RETENTION",
        "retentionPolicy.days",
        days,
        "set the days each object is retained, 1 to 36500",
      );
    } else {
      p.wholeNumber("SEAWALL_GCP_OBJECTSTORE_RETENTION", "retentionPolicy.days", days, 1, 36500);
    }
  }
  if (args.accessLogging !== undefined) {
    const form = helperChoice(p, "accessLogging", args.accessLogging, ["existing", "args", "skip"]);
    if (form === "args") {
      p.wholeNumber(
        "SEAWALL_OBJECTSTORE_ACCESS_LOG_EXPIRY",
        "accessLogging.args.expireAfterDays",
        (args.accessLogging as { args: GcpAccessLoggingArgs }).args.expireAfterDays,
        1,
        3650,
      );
    }
  }
  p.throwIfAny("seawall:gcp:ObjectStore");
}

/** The lifecycle rules of the bucket: class moves (unless Autoclass), noncurrent expiry, upload abort. */
export function lifecycleRules(
  l: GcpLifecycleArgs,
  autoclass: boolean,
): gcp.types.input.storage.BucketLifecycleRule[] {
  const move = (storageClass: string, age: number, from: string[]) => ({
    action: { type: "SetStorageClass", storageClass },
    condition: { age, matchesStorageClasses: from, withState: "LIVE" },
  });
  const moves = autoclass
    ? []
    : [
        move("NEARLINE", l.infrequentAccessAfterDays ?? 30, ["STANDARD"]),
        move("COLDLINE", l.archiveAfterDays ?? 90, ["STANDARD", "NEARLINE"]),
        move("ARCHIVE", l.deepArchiveAfterDays ?? 365, ["STANDARD", "NEARLINE", "COLDLINE"]),
      ];
  return [
    ...moves,
    {
      action: { type: "Delete" },
      condition: { daysSinceNoncurrentTime: l.expireNoncurrentAfterDays ?? 90, withState: "ARCHIVED" },
    },
    {
      action: { type: "AbortIncompleteMultipartUpload" },
      condition: { age: l.abortIncompleteMultipartAfterDays ?? 7 },
    },
  ];
}

/**
 * A Cloud Storage bucket for the data lake: versioned, uniform bucket-level access, public access
 * prevention enforced, encrypted with a customer-managed key granted to the Cloud Storage service
 * agent (the bucket waits for that grant), soft delete, lifecycle tiering and expiry; dual-region
 * with turbo replication when asked (the platform asks in prod); optional retention policy and
 * access logs.
 */
export class ObjectStore extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** `gs://<bucket>`. */
  readonly bucketUrl: pulumi.Output<string>;
  /** The key's id, unless the key was skipped. */
  readonly kmsKeyId?: pulumi.Output<string>;
  /**
   * Where the pipeline writes. A dual-region bucket's `replica` names the same bucket and its second
   * region: Cloud Storage replicates inside one bucket rather than to a second one.
   */
  readonly location: pulumi.Output<ObjectStoreLocation>;
  readonly logBucketName?: pulumi.Output<string>;

  constructor(name: string, args: GcpObjectStoreArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:ObjectStore", name, {}, opts);
    const providerRegion = new pulumi.Config("gcp").get("region");
    validateGcpObjectStoreArgs(args, providerRegion);
    const region = (args.region ?? providerRegion) as string;
    const place = placementOf(args, region)!;
    const protect = args.protect ?? true;
    const labels = { ...args.labels, "seawall-component": "objectstore" };
    const project = args.project;

    const key = gcpKmsKey(this, `${name}-key`, args.kmsKey, {
      location: place.keyLocation,
      serviceAgents: [STORAGE_SERVICE],
      protect,
      labels,
      project,
    });
    this.kmsKeyId = key.keyId;
    const encryption = key.keyId ? { defaultKmsKeyName: key.keyId } : undefined;
    const common = {
      project,
      location: place.location,
      customPlacementConfig: place.dataLocations ? { dataLocations: place.dataLocations } : undefined,
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      encryption,
      softDeletePolicy: { retentionDurationSeconds: (args.softDeleteDays ?? 30) * DAY },
      forceDestroy: false,
      labels,
    };
    const bucketOpts = { parent: this, protect, dependsOn: key.grants };

    let logging: { logBucket: pulumi.Input<string>; logObjectPrefix: string } | undefined;
    const accessLogging = args.accessLogging ?? { skip: true };
    if ("args" in accessLogging) {
      const logs = new gcp.storage.Bucket(
        `${name}-logs`,
        {
          ...common,
          lifecycleRules: [
            { action: { type: "Delete" }, condition: { age: accessLogging.args.expireAfterDays ?? 365 } },
            { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
          ],
        },
        bucketOpts,
      );
      // Cloud Storage writes usage and storage logs as this Google group.
      new gcp.storage.BucketIAMMember(
        `${name}-logs-writer`,
        {
          bucket: logs.name,
          role: "roles/storage.objectCreator",
          member: "group:cloud-storage-analytics@google.com",
        },
        { parent: this },
      );
      this.logBucketName = logs.name;
      logging = { logBucket: logs.name, logObjectPrefix: `${name}/` };
    } else if ("existing" in accessLogging) {
      this.logBucketName = pulumi.output(accessLogging.existing.bucketName);
      logging = { logBucket: accessLogging.existing.bucketName, logObjectPrefix: `${name}/` };
    }

    const dual = place.replicaRegion !== undefined;
    const bucket = new gcp.storage.Bucket(
      name,
      {
        ...common,
        name: args.bucketName,
        rpo: dual ? (args.turboReplication === false ? "DEFAULT" : "ASYNC_TURBO") : undefined,
        autoclass: args.autoclass ? { enabled: true, terminalStorageClass: "ARCHIVE" } : undefined,
        lifecycleRules: lifecycleRules(args.lifecycle ?? {}, args.autoclass ?? false),
        retentionPolicy: args.retentionPolicy
          ? {
              retentionPeriod: String(args.retentionPolicy.days * DAY),
              isLocked: args.retentionPolicy.locked ?? false,
            }
          : undefined,
        logging,
      },
      bucketOpts,
    );
    this.bucketName = bucket.name;
    this.bucketUrl = bucket.url;
    const prefix = args.prefix ?? "";
    this.location = bucket.name.apply(
      (b): ObjectStoreLocation => ({
        scheme: "gs",
        bucket: b,
        prefix,
        region: place.region,
        ...(place.replicaRegion ? { replica: { bucket: b, region: place.replicaRegion } } : {}),
      }),
    );
    this.registerOutputs({ bucketName: this.bucketName, location: this.location, kmsKeyId: this.kmsKeyId });
  }
}
