import {
  GcpObjectStoreArgs,
  ObjectStore,
  validateGcpObjectStoreArgs,
} from "../../components/gcp/objectStore";
import { placement } from "../../components/gcp/objectStorePlacement";
import { evaluateResources } from "../../policies/check";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  bucket: "gcp:storage/bucket:Bucket",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  member: "gcp:storage/bucketIAMMember:BucketIAMMember",
};

const PROJECT = "seawall-test";
const GCP = { "gcp:project": PROJECT, "gcp:region": "europe-west1" };
const DAY = 86400;

async function store(args: GcpObjectStoreArgs = {}): Promise<Plan> {
  return plan(() => {
    const s = new ObjectStore("lake", args);
    return { location: s.location, keyId: s.kmsKeyId, url: s.bucketUrl };
  }, GCP);
}

const DEFAULT_RULES = [
  {
    action: { type: "SetStorageClass", storageClass: "NEARLINE" },
    condition: { age: 30, matchesStorageClasses: ["STANDARD"], withState: "LIVE" },
  },
  {
    action: { type: "SetStorageClass", storageClass: "COLDLINE" },
    condition: { age: 90, matchesStorageClasses: ["STANDARD", "NEARLINE"], withState: "LIVE" },
  },
  {
    action: { type: "SetStorageClass", storageClass: "ARCHIVE" },
    condition: { age: 365, matchesStorageClasses: ["STANDARD", "NEARLINE", "COLDLINE"], withState: "LIVE" },
  },
  { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 90, withState: "ARCHIVED" } },
  { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
];

describe("ObjectStore defaults (single region)", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ labels: { team: "data" } });
  });

  it("creates exactly the bucket, its key and the Cloud Storage agent's grant", () => {
    expect(p.counts()).toEqual({
      "seawall:gcp:ObjectStore": 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.grant]: 1,
      [T.bucket]: 1,
    });
  });

  it("creates a versioned, private, CMEK-encrypted bucket with soft delete and lifecycle tiering", () => {
    expect(p.one(T.bucket, "lake").inputs).toEqual({
      location: "EUROPE-WEST1",
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: p.output("keyId") },
      softDeletePolicy: { retentionDurationSeconds: 30 * DAY },
      forceDestroy: false,
      labels: { team: "data", "seawall-component": "objectstore" },
      lifecycleRules: DEFAULT_RULES,
    });
  });

  it("keeps the key in the bucket's region and grants it to the Cloud Storage service agent", () => {
    expect(p.one(T.ring, "lake-key-ring").inputs).toEqual({ location: "europe-west1" });
    expect(p.one(T.grant, "lake-key-storage-grant").inputs).toEqual({
      cryptoKeyId: p.output("keyId"),
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: `serviceAccount:service-${mockProjectNumber(PROJECT)}@gs-project-accounts.iam.gserviceaccount.com`,
    });
  });

  it("creates the bucket only after the grant, and protects the bucket and key", () => {
    const bucket = p.one(T.bucket, "lake");
    expect(bucket.dependsOn).toContain(p.one(T.grant, "lake-key-storage-grant").urn);
    expect(bucket.protect).toBe(true);
    expect(p.one(T.key, "lake-key").protect).toBe(true);
  });

  it("returns a gs location without a replica", () => {
    expect(p.output("location")).toEqual({
      scheme: "gs",
      bucket: expect.stringMatching(/^lake-[0-9a-f]{7}$/),
      prefix: "",
      region: "europe-west1",
    });
    expect(p.output("url")).toBe(`gs://${(p.output("location") as { bucket: string }).bucket}`);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("ObjectStore dual-region", () => {
  it("places a configurable dual-region with turbo replication and a key in the multi-region", async () => {
    const p = await store({
      dualRegion: { replicaRegion: "europe-west4" },
      bucketName: "acme-lake",
      prefix: "raw",
    });
    expect(p.one(T.bucket, "lake").inputs).toMatchObject({
      name: "acme-lake",
      location: "EU",
      customPlacementConfig: { dataLocations: ["EUROPE-WEST1", "EUROPE-WEST4"] },
      rpo: "ASYNC_TURBO",
    });
    expect(p.one(T.ring, "lake-key-ring").inputs).toEqual({ location: "eu" });
    expect(p.output("location")).toEqual({
      scheme: "gs",
      bucket: "acme-lake",
      prefix: "raw",
      region: "europe-west1",
      replica: { bucket: "acme-lake", region: "europe-west4" },
    });
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory")).toEqual([]);
  });

  it("places a predefined dual-region, its key in that dual-region, default replication when turbo is off", async () => {
    const p = await store({
      region: "europe-west4",
      dualRegion: { predefined: "EUR4" },
      turboReplication: false,
    });
    const inputs = p.one(T.bucket, "lake").inputs;
    expect(inputs).toMatchObject({ location: "EUR4", rpo: "DEFAULT" });
    expect(inputs.customPlacementConfig).toBeUndefined();
    expect(p.one(T.ring, "lake-key-ring").inputs).toEqual({ location: "eur4" });
    expect((p.output("location") as { replica: unknown }).replica).toEqual({
      bucket: expect.any(String),
      region: "europe-north1",
    });
  });
});

describe("ObjectStore options", () => {
  it("takes lifecycle days, soft delete, a locked retention policy and access logs to a second bucket", async () => {
    const p = await store({
      lifecycle: {
        infrequentAccessAfterDays: 10,
        archiveAfterDays: 40,
        deepArchiveAfterDays: 400,
        expireNoncurrentAfterDays: 14,
        abortIncompleteMultipartAfterDays: 2,
      },
      softDeleteDays: 7,
      retentionPolicy: { days: 30, locked: true },
      accessLogging: { args: { expireAfterDays: 90 } },
    });
    const bucket = p.one(T.bucket, "lake").inputs;
    const logs = p.one(T.bucket, "lake-logs");
    expect(bucket.lifecycleRules).toEqual([
      { ...DEFAULT_RULES[0], condition: { ...DEFAULT_RULES[0].condition, age: 10 } },
      { ...DEFAULT_RULES[1], condition: { ...DEFAULT_RULES[1].condition, age: 40 } },
      { ...DEFAULT_RULES[2], condition: { ...DEFAULT_RULES[2].condition, age: 400 } },
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 14, withState: "ARCHIVED" } },
      { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 2 } },
    ]);
    expect(bucket.softDeletePolicy).toEqual({ retentionDurationSeconds: 7 * DAY });
    expect(bucket.retentionPolicy).toEqual({ retentionPeriod: String(30 * DAY), isLocked: true });
    expect(bucket.logging).toEqual({
      logBucket: expect.stringMatching(/^lake-logs-/),
      logObjectPrefix: "lake/",
    });
    expect(logs.inputs).toMatchObject({
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: p.output("keyId") },
      lifecycleRules: [
        { action: { type: "Delete" }, condition: { age: 90 } },
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
      ],
    });
    expect(logs.dependsOn).toContain(p.one(T.grant, "lake-key-storage-grant").urn);
    expect(p.one(T.member, "lake-logs-writer").inputs).toEqual({
      bucket: bucket.logging && (bucket.logging as { logBucket: string }).logBucket,
      role: "roles/storage.objectCreator",
      member: "group:cloud-storage-analytics@google.com",
    });
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("uses Autoclass instead of class moves, keeping the expiry rules", async () => {
    const p = await store({ autoclass: true });
    const inputs = p.one(T.bucket, "lake").inputs;
    expect(inputs.autoclass).toEqual({ enabled: true, terminalStorageClass: "ARCHIVE" });
    expect(inputs.lifecycleRules).toEqual(DEFAULT_RULES.slice(3));
  });

  it("with a brought key creates no key and grants the brought one; with skip, no encryption", async () => {
    const keyId = "projects/keys/locations/europe-west1/keyRings/r/cryptoKeys/lake";
    const brought = await store({ kmsKey: { existing: { keyId } } });
    expect(brought.ofType(T.key)).toEqual([]);
    expect(brought.one(T.bucket, "lake").inputs.encryption).toEqual({ defaultKmsKeyName: keyId });
    expect(brought.one(T.grant, "lake-key-storage-grant").inputs.cryptoKeyId).toBe(keyId);
    const skipped = await store({ kmsKey: { skip: true }, protect: false });
    expect(skipped.one(T.bucket, "lake").inputs.encryption).toBeUndefined();
    expect(skipped.one(T.bucket, "lake").protect).toBe(false);
    const verdicts = await evaluateResources(skipped.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => v.rule)).toEqual(["gcsBucketCmek"]);
  });
});

describe("validateGcpObjectStoreArgs", () => {
  const v =
    (args: object, region: string | null = "europe-west1") =>
    () =>
      validateGcpObjectStoreArgs(args as GcpObjectStoreArgs, region ?? undefined);

  it("accepts the defaults", () => {
    expect(() => v({})()).not.toThrow();
  });

  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(
        v({
          dualRegion: { replicaRegion: "us-east1" },
          turboReplication: true,
          bucketName: "Google-Lake",
          prefix: "/raw",
          kmsKey: { existing: { keyId: "projects/p/locations/us/keyRings/r/cryptoKeys/k" } },
          lifecycle: {
            infrequentAccessAfterDays: 0,
            archiveAfterDays: 20,
            archiveStorageClass: "DEEP_ARCHIVE",
          },
          intelligentTiering: { archiveAccessAfterDays: 90 },
          softDeleteDays: 3,
          retentionPolicy: {},
          accessLogging: { args: { expireAfterDays: 0 } },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_OBJECTSTORE_PLACEMENT", field: "dualRegion.replicaRegion", value: "us-east1" },
      { code: "SEAWALL_GCP_OBJECTSTORE_TURBO_SINGLE_REGION", field: "turboReplication", value: true },
      { code: "SEAWALL_GCP_OBJECTSTORE_BUCKET_NAME", field: "bucketName", value: "Google-Lake" },
      { code: "SEAWALL_OBJECTSTORE_PREFIX", field: "prefix", value: "/raw" },
      {
        code: "SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_DAYS",
        field: "lifecycle.infrequentAccessAfterDays",
        value: 0,
      },
      {
        code: "SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED",
        field: "lifecycle.archiveStorageClass",
        value: "DEEP_ARCHIVE",
      },
      {
        code: "SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED",
        field: "intelligentTiering",
        value: { archiveAccessAfterDays: 90 },
      },
      { code: "SEAWALL_GCP_OBJECTSTORE_SOFT_DELETE", field: "softDeleteDays", value: 3 },
      { code: "SEAWALL_GCP_OBJECTSTORE_RETENTION", field: "retentionPolicy.days", value: undefined },
      {
        code: "SEAWALL_OBJECTSTORE_ACCESS_LOG_EXPIRY",
        field: "accessLogging.args.expireAfterDays",
        value: 0,
      },
    ]);
  });

  it("refuses a key outside the bucket's location, tiers out of order, and tiers beside Autoclass", () => {
    expect(
      problemsThrownBy(
        v({
          dualRegion: { predefined: "EUR4" },
          region: "europe-west4",
          kmsKey: { existing: { keyId: "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k" } },
          lifecycle: { archiveAfterDays: 400 },
        }),
      ),
    ).toEqual([
      {
        code: "SEAWALL_GCP_KMS_LOCATION",
        field: "kmsKey.existing.keyId",
        value: "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
      },
      {
        code: "SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_ORDER",
        field: "lifecycle.deepArchiveAfterDays",
        value: 365,
      },
    ]);
    expect(problemsThrownBy(v({ autoclass: true, lifecycle: { archiveAfterDays: 60 } }))).toEqual([
      {
        code: "SEAWALL_GCP_OBJECTSTORE_AUTOCLASS_TIERS",
        field: "lifecycle",
        value: { archiveAfterDays: 60 },
      },
    ]);
  });

  it("refuses a predefined dual-region without the region, an unknown one, and a missing region", () => {
    expect(problemsThrownBy(v({ dualRegion: { predefined: "NAM4" } }))).toEqual([
      { code: "SEAWALL_GCP_OBJECTSTORE_PLACEMENT", field: "dualRegion.predefined", value: "NAM4" },
    ]);
    expect(problemsThrownBy(v({ dualRegion: { predefined: "EUR9" } }))).toEqual([
      { code: "SEAWALL_GCP_OBJECTSTORE_PLACEMENT", field: "dualRegion.predefined", value: "EUR9" },
    ]);
    expect(problemsThrownBy(v({}, null))).toEqual([
      { code: "SEAWALL_GCP_OBJECTSTORE_REGION", field: "region", value: undefined },
    ]);
  });
});

describe("placement", () => {
  it("pairs regions of one multi-region only", () => {
    expect(placement("us-central1", { replicaRegion: "us-east4" })).toEqual({
      location: "US",
      dataLocations: ["US-CENTRAL1", "US-EAST4"],
      keyLocation: "us",
      region: "us-central1",
      replicaRegion: "us-east4",
    });
    expect(placement("us-central1", { replicaRegion: "europe-west1" })).toBeUndefined();
    expect(placement("us-central1", { replicaRegion: "us-central1" })).toBeUndefined();
    expect(placement("australia-southeast1", { replicaRegion: "australia-southeast2" })).toBeUndefined();
    expect(placement("asia-northeast2", { predefined: "ASIA1" })).toMatchObject({
      location: "ASIA1",
      keyLocation: "asia1",
      replicaRegion: "asia-northeast1",
    });
  });
});
