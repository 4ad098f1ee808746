import fc from "fast-check";
import {
  clientPolicy,
  defaultMinInsyncReplicas,
  defaultReplicationFactor,
  renderServerProperties,
  topicConfigs,
  versionSlug,
} from "../../components/aws/eventStreamConfig";

describe("renderServerProperties", () => {
  it("renders prod's settings: three copies, two in sync, no auto-created topics, no unclean elections", () => {
    expect(renderServerProperties({ defaultReplicationFactor: 3, minInsyncReplicas: 2 })).toBe(
      [
        "auto.create.topics.enable=false",
        "default.replication.factor=3",
        "min.insync.replicas=2",
        "num.partitions=3",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "transaction.state.log.replication.factor=3",
        "unclean.leader.election.enable=false",
        "",
      ].join("\n"),
    );
  });

  it("adds the user's further properties in key order", () => {
    const text = renderServerProperties({
      defaultReplicationFactor: 2,
      minInsyncReplicas: 1,
      extra: { "log.retention.hours": 72, "compression.type": "zstd" },
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "auto.create.topics.enable=false",
      "compression.type=zstd",
      "default.replication.factor=2",
    ]);
    expect(text).toContain("\nlog.retention.hours=72\n");
  });
});

describe("replication defaults", () => {
  it("keeps three copies where there are three brokers or more, else one per broker", () => {
    expect([2, 3, 6].map(defaultReplicationFactor)).toEqual([2, 3, 3]);
  });

  it("keeps min.insync.replicas below the copies and at least one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (brokers) => {
        const rf = defaultReplicationFactor(brokers);
        const isr = defaultMinInsyncReplicas(rf);
        expect(rf).toBeLessThanOrEqual(brokers);
        expect(isr).toBeGreaterThanOrEqual(1);
        if (rf > 1) expect(isr).toBeLessThan(rf);
      }),
    );
  });
});

describe("versionSlug", () => {
  it("makes a name-safe form of the Kafka version", () => {
    expect(versionSlug("3.9.x")).toBe("3-9-x");
    expect(versionSlug("4.1.x.kraft")).toBe("4-1-x-kraft");
    expect(versionSlug("3.7.x.kraft")).toBe("3-7-x-kraft");
  });
});

describe("topicConfigs", () => {
  it("sets compaction and retention in milliseconds only when asked", () => {
    expect(topicConfigs({ name: "a", partitions: 1 })).toEqual({});
    expect(topicConfigs({ name: "a", partitions: 1, retentionHours: 24, compaction: true })).toEqual({
      "cleanup.policy": "compact",
      "retention.ms": "86400000",
    });
  });
});

describe("clientPolicy", () => {
  it("scopes topics and groups to the cluster's name and id", () => {
    const doc = clientPolicy({ clusterArn: "arn:aws:kafka:eu-west-1:111122223333:cluster/events/abc-1" });
    expect(doc.Statement.map((st) => st.Resource)).toEqual([
      "arn:aws:kafka:eu-west-1:111122223333:cluster/events/abc-1",
      "arn:aws:kafka:eu-west-1:111122223333:topic/events/abc-1/*",
      "arn:aws:kafka:eu-west-1:111122223333:group/events/abc-1/*",
    ]);
    expect(doc.Statement.flatMap((st) => st.Action)).not.toContain("kafka-cluster:CreateTopic");
  });
});
