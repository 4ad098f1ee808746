import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  checkGcpKmsKeyOption,
  CMEK_ROLE,
  gcpKmsKey,
  GcpKmsKeyOption,
  GcpKmsKeySettings,
  kmsKeyLocation,
} from "../../components/gcp/kmsKey";
import { Problems } from "../../components/validation";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { acceptedForms, plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  identity: "gcp:projects/serviceIdentity:ServiceIdentity",
  bucket: "gcp:storage/bucket:Bucket",
};

const PROJECT = "seawall-test";
const NUMBER = mockProjectNumber(PROJECT);
const GCP = { "gcp:project": PROJECT, "gcp:region": "europe-west1" };

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("seawall:test:Holder", name);
  }
}

/** Runs the helper under a component, and a bucket that depends on its grants, as a consumer does. */
async function key(
  option: GcpKmsKeyOption | undefined,
  settings: Partial<GcpKmsKeySettings> = {},
): Promise<Plan> {
  return plan(() => {
    const holder = new Holder("store");
    const made = gcpKmsKey(holder, "store-key", option, {
      location: "europe-west1",
      serviceAgents: ["managedkafka.googleapis.com", "storage.googleapis.com"],
      ...settings,
    });
    new gcp.storage.Bucket(
      "store",
      { location: "EUROPE-WEST1", encryption: made.keyId ? { defaultKmsKeyName: made.keyId } : undefined },
      { parent: holder, dependsOn: made.grants },
    );
    return { keyId: made.keyId, grants: made.grants.length };
  }, GCP);
}

const check =
  (option: unknown, options: Parameters<typeof checkGcpKmsKeyOption>[3] = {}) =>
  () => {
    const p = new Problems();
    checkGcpKmsKeyOption(p, "kmsKey", option, options);
    p.throwIfAny("test");
  };

describe("gcpKmsKey: a created key", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await key(undefined, { labels: { team: "data" } });
  });

  it("creates a key ring in the consumer's location and a rotated ENCRYPT_DECRYPT key in it", () => {
    const ring = p.one(T.ring, "store-key-ring");
    expect(ring.inputs).toEqual({ location: "europe-west1" });
    expect(p.one(T.key, "store-key").inputs).toEqual({
      keyRing: expect.stringMatching(/^projects\/seawall-test\/locations\/europe-west1\/keyRings\//),
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: "7776000s",
      destroyScheduledDuration: "2592000s",
      versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
      deletionPolicy: "PREVENT",
      labels: { team: "data" },
    });
  });

  it("puts the key in the key ring it created, by the ring's id", () => {
    const keyRing = p.one(T.key, "store-key").inputs.keyRing as string;
    expect(keyRing).toMatch(
      new RegExp(`^projects/${PROJECT}/locations/europe-west1/keyRings/store-key-ring-[0-9a-f]{7}$`),
    );
    expect(p.one(T.key, "store-key").propertyDependencies.keyRing).toEqual([
      p.one(T.ring, "store-key-ring").urn,
    ]);
  });

  it("protects the key ring and key by default", () => {
    expect(p.one(T.ring, "store-key-ring").protect).toBe(true);
    expect(p.one(T.key, "store-key").protect).toBe(true);
  });

  it("grants the Managed Kafka agent from ServiceIdentity and the Cloud Storage agent from its lookup", () => {
    expect(p.one(T.identity, "store-key-managedkafka-agent").inputs).toEqual({
      service: "managedkafka.googleapis.com",
    });
    expect(p.ofType(T.identity)).toHaveLength(1);
    const keyId = p.output("keyId") as string;
    expect(keyId).toMatch(
      /^projects\/seawall-test\/locations\/europe-west1\/keyRings\/.+\/cryptoKeys\/store-key-/,
    );
    expect(p.one(T.grant, "store-key-managedkafka-grant").inputs).toEqual({
      cryptoKeyId: keyId,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: `serviceAccount:service-${NUMBER}@gcp-sa-managedkafka.iam.gserviceaccount.com`,
    });
    expect(p.one(T.grant, "store-key-storage-grant").inputs).toEqual({
      cryptoKeyId: keyId,
      role: CMEK_ROLE,
      member: `serviceAccount:service-${NUMBER}@gs-project-accounts.iam.gserviceaccount.com`,
    });
  });

  it("makes the consumer wait for every grant", () => {
    const bucket = p.one(T.bucket, "store");
    expect(bucket.dependsOn).toEqual(
      expect.arrayContaining([
        p.one(T.grant, "store-key-managedkafka-grant").urn,
        p.one(T.grant, "store-key-storage-grant").urn,
      ]),
    );
  });

  it("parents every child to the consumer, named from the given name", () => {
    const holder = p.one("seawall:test:Holder", "store");
    for (const r of p.resources.filter((x) => x !== holder)) {
      expect(r.parent).toBe(holder.urn);
      expect(r.name.startsWith("store")).toBe(true);
    }
  });
});

describe("gcpKmsKey: settings and forms", () => {
  it("takes the rotation, protection level and destroy delay from args, and lets a non-prod key go", async () => {
    const p = await key(
      { args: { rotationPeriodDays: 30, protectionLevel: "HSM", destroyScheduledDays: 7 } },
      { protect: false, serviceAgents: [], project: "other-project" },
    );
    expect(p.one(T.ring, "store-key-ring").inputs).toEqual({
      location: "europe-west1",
      project: "other-project",
    });
    expect(p.one(T.key, "store-key").inputs).toMatchObject({
      rotationPeriod: "2592000s",
      destroyScheduledDuration: "604800s",
      versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "HSM" },
      deletionPolicy: "DELETE",
    });
    expect(p.one(T.key, "store-key").protect).toBe(false);
    expect(p.ofType(T.grant)).toEqual([]);
  });

  it("grants a brought key to the agents and creates no key", async () => {
    const keyId = "projects/keys/locations/europe-west1/keyRings/ring/cryptoKeys/lake";
    const p = await key(
      { existing: { keyId } },
      { serviceAgents: [{ name: "backupdr", member: "serviceAccount:x@y" }] },
    );
    expect(p.ofType(T.ring)).toEqual([]);
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.grant, "store-key-backupdr-grant").inputs).toEqual({
      cryptoKeyId: keyId,
      role: CMEK_ROLE,
      member: "serviceAccount:x@y",
    });
    expect(p.one(T.bucket, "store").inputs.encryption).toEqual({ defaultKmsKeyName: keyId });
  });

  it("does not grant a brought key when told its IAM is managed elsewhere", async () => {
    const keyId = "projects/keys/locations/europe-west1/keyRings/ring/cryptoKeys/lake";
    const p = await key({ existing: { keyId, grantServiceAgents: false } });
    expect(p.ofType(T.grant)).toEqual([]);
    expect(p.ofType(T.identity)).toEqual([]);
    expect(p.output("keyId")).toBe(keyId);
  });

  it("on skip creates nothing and returns no key", async () => {
    const p = await key({ skip: true });
    expect(p.ofType(T.ring).length + p.ofType(T.key).length + p.ofType(T.grant).length).toBe(0);
    expect(p.output("keyId")).toBeUndefined();
    expect(p.one(T.bucket, "store").inputs.encryption).toBeUndefined();
  });
});

describe("checkGcpKmsKeyOption", () => {
  it("accepts the defaults, a full key id and skip", () => {
    expect(() => check(undefined)()).not.toThrow();
    expect(() => check({ args: {} })()).not.toThrow();
    expect(() => check({ args: { rotationPeriodDays: 2, destroyScheduledDays: 120 } })()).not.toThrow();
    expect(() =>
      check(
        { existing: { keyId: "projects/p/locations/eur4/keyRings/r/cryptoKeys/k" } },
        { location: "EUR4" },
      )(),
    ).not.toThrow();
    expect(() => check({ skip: true })()).not.toThrow();
  });

  it("lists every bad setting of args with its code", () => {
    expect(
      problemsThrownBy(
        check({ args: { rotationPeriodDays: 365, protectionLevel: "EXTERNAL", destroyScheduledDays: 0 } }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_KMS_ROTATION", field: "kmsKey.args.rotationPeriodDays", value: 365 },
      { code: "SEAWALL_GCP_KMS_PROTECTION_LEVEL", field: "kmsKey.args.protectionLevel", value: "EXTERNAL" },
      { code: "SEAWALL_GCP_KMS_DESTROY_DELAY", field: "kmsKey.args.destroyScheduledDays", value: 0 },
    ]);
    expect(problemsThrownBy(check({ args: { rotationPeriodDays: 1 } }))).toEqual([
      { code: "SEAWALL_GCP_KMS_ROTATION", field: "kmsKey.args.rotationPeriodDays", value: 1 },
    ]);
  });

  it("refuses a key id that is not a full id, and one in another location", () => {
    expect(problemsThrownBy(check({ existing: { keyId: "lake-key" } }))).toEqual([
      { code: "SEAWALL_GCP_KMS_KEY_ID", field: "kmsKey.existing.keyId", value: "lake-key" },
    ]);
    expect(problemsThrownBy(check({ existing: {} }))).toEqual([
      { code: "SEAWALL_GCP_KMS_KEY_ID", field: "kmsKey.existing.keyId", value: undefined },
    ]);
    const elsewhere = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k";
    expect(() => check({ existing: { keyId: elsewhere } }, { location: "europe-west1" })()).toThrow(
      `kmsKey.existing.keyId = "${elsewhere}": the key is in us-central1 but must be in europe-west1, the location of the resource it encrypts; use a key from a key ring there [SEAWALL_GCP_KMS_LOCATION]`,
    );
  });

  it("passes a key id unknown until deploy", () => {
    expect(() => check({ existing: { keyId: pulumi.output("k") } }, { location: "eur4" })()).not.toThrow();
  });

  it("refuses skip where the consumer requires a customer-managed key, saying why", () => {
    expect(() => check({ skip: true }, { allowSkip: false, why: "the lake's objects" })()).toThrow(
      `kmsKey = "{ skip: true }": a customer-managed key is required (the lake's objects); ${acceptedForms(["existing", "args"])} [SEAWALL_HELPER_FORM_UNSUPPORTED]`,
    );
    expect(problemsThrownBy(check({ args: {}, skip: true }))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ args, skip: true }" },
    ]);
  });

  it("reads the location of a full key id", () => {
    expect(kmsKeyLocation("projects/p/locations/nam4/keyRings/r/cryptoKeys/k")).toBe("nam4");
    expect(kmsKeyLocation("nam4/r/k")).toBeUndefined();
  });
});
