import { ENVIRONMENTS, PROFILES, resolveProfile } from "../components/profiles";

describe("profiles", () => {
  it("replicates and protects in prod, not in dev", () => {
    expect(PROFILES.prod).toMatchObject({
      availabilityZones: 3,
      deletionProtection: true,
      forceDestroy: false,
      objectStore: { replication: true, replicationTimeControl: true },
    });
    expect(PROFILES.dev).toMatchObject({
      availabilityZones: 2,
      deletionProtection: false,
      forceDestroy: true,
      objectStore: { replication: false, replicationTimeControl: false },
    });
  });

  it("has no setting that could weaken encryption", () => {
    for (const env of ENVIRONMENTS) {
      expect(JSON.stringify(PROFILES[env])).not.toMatch(/encrypt|tls|kms|public/i);
    }
  });

  it("overrides one field deep without touching its siblings", () => {
    const p = resolveProfile("prod", { objectStore: { lifecycle: { archiveAfterDays: 180 } } });
    expect(p.objectStore.lifecycle).toEqual({
      ...PROFILES.prod.objectStore.lifecycle,
      archiveAfterDays: 180,
    });
    expect(p.objectStore.replication).toBe(true);
    expect(PROFILES.prod.objectStore.lifecycle.archiveAfterDays).toBe(90);
  });

  it("keeps the environment it was asked for", () => {
    expect(resolveProfile("dev", { environment: "prod" } as never).environment).toBe("dev");
  });
});

describe("profiles per cloud", () => {
  it("keeps the AWS sizes under sizes.aws, per environment", () => {
    expect(PROFILES.prod.sizes.aws).toEqual({
      eventStream: {
        brokersPerZone: 1,
        instanceType: "kafka.m7g.xlarge",
        volumeSizeGiB: 1000,
        maxVolumeSizeGiB: 8000,
        enhancedMonitoring: "PER_TOPIC_PER_BROKER",
        openMonitoring: true,
      },
      featureStore: { nodeType: "cache.r7g.large" },
    });
    expect(PROFILES.dev.sizes.aws.eventStream.instanceType).toBe("kafka.t3.small");
    expect(PROFILES.dev.sizes.aws.featureStore.nodeType).toBe("cache.t4g.small");
    expect(PROFILES.staging.sizes.aws.eventStream.instanceType).toBe("kafka.m7g.large");
    expect(PROFILES.staging.sizes.aws.featureStore.nodeType).toBe("cache.m7g.large");
  });

  it("keeps the Azure sizes under sizes.azure: Standard Event Hubs with auto-inflate before prod, Premium in prod", () => {
    expect(PROFILES.prod.sizes.azure).toEqual({
      eventStream: { tier: "Premium", capacity: 1, maxThroughputUnits: 0 },
      featureStore: { sku: "Balanced_B10" },
    });
    expect(PROFILES.dev.sizes.azure.eventStream).toEqual({
      tier: "Standard",
      capacity: 1,
      maxThroughputUnits: 4,
    });
    expect(PROFILES.dev.sizes.azure.featureStore.sku).toBe("Balanced_B1");
    expect(PROFILES.staging.sizes.azure.eventStream.tier).toBe("Standard");
    expect(PROFILES.staging.sizes.azure.featureStore.sku).toBe("Balanced_B5");
  });

  it("has no cloud's sizes or service names outside sizes", () => {
    for (const env of ENVIRONMENTS) {
      const { sizes, ...neutral } = PROFILES[env];
      expect(Object.keys(sizes).sort()).toEqual(["aws", "azure", "gcp"]);
      expect(JSON.stringify(neutral)).not.toMatch(
        /kafka\.|cache\.|instanceType|nodeType|broker|volume|enhanced/i,
      );
    }
  });

  it("overrides one size without touching the neutral settings or the other sizes", () => {
    const p = resolveProfile("prod", { sizes: { aws: { featureStore: { nodeType: "cache.r7g.xlarge" } } } });
    expect(p.sizes.aws.featureStore.nodeType).toBe("cache.r7g.xlarge");
    expect(p.sizes.aws.eventStream).toEqual(PROFILES.prod.sizes.aws.eventStream);
    expect(p.featureStore).toEqual(PROFILES.prod.featureStore);
  });
});
