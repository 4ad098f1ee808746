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
