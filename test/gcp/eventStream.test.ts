import * as pulumi from "@pulumi/pulumi";
import {
  EventStream,
  EventStreamArgs,
  MANAGED_KAFKA_CLIENT_ROLE,
  validateEventStreamArgs,
} from "../../components/gcp/eventStream";
import {
  bootstrapAddress,
  capacityConfig,
  GIB,
  memoryRange,
  topicConfigs,
} from "../../components/gcp/eventStreamConfig";
import { CMEK_ROLE } from "../../components/gcp/kmsKey";
import { ENVIRONMENTS, PROFILES } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:gcp:EventStream",
  cluster: "gcp:managedkafka/cluster:Cluster",
  topic: "gcp:managedkafka/topic:Topic",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  identity: "gcp:projects/serviceIdentity:ServiceIdentity",
  member: "gcp:projects/iAMMember:IAMMember",
};

const PROJECT = "seawall-test";
const REGION = "europe-west1";
const GCP = { "gcp:project": PROJECT, "gcp:region": REGION };
const SUBNET = `projects/${PROJECT}/regions/${REGION}/subnetworks/data`;
const AGENT = `serviceAccount:service-${mockProjectNumber(PROJECT)}@gcp-sa-managedkafka.iam.gserviceaccount.com`;
const KEY_ID = `projects/${PROJECT}/locations/${REGION}/keyRings/events-key-ring-`;

const base: EventStreamArgs = { subnetIds: [SUBNET] };

async function stream(args: Partial<EventStreamArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new EventStream("events", { ...base, ...args });
    return { connection: s.connection, kmsKeyId: s.kmsKeyId };
  }, GCP);
}

/** The prod platform's settings: prod sizes, three copies, two in sync, the stacks' topics. */
const prodArgs: Partial<EventStreamArgs> = {
  vcpuCount: PROFILES.prod.sizes.gcp.eventStream.vcpuCount,
  memoryGiB: PROFILES.prod.sizes.gcp.eventStream.memoryGiB,
  defaultReplicationFactor: PROFILES.prod.eventStream.defaultReplicationFactor,
  minInsyncReplicas: PROFILES.prod.eventStream.minInsyncReplicas,
  topics: [
    { name: "events.raw", partitions: 12, retentionHours: 168 },
    { name: "features", partitions: 6, compaction: true },
    { name: "events.dead", partitions: 3, replicationFactor: 2, retentionHours: 720 },
  ],
  clientServiceAccounts: [`workers@${PROJECT}.iam.gserviceaccount.com`],
};

describe("GCP EventStream defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await stream({ labels: { team: "data" } });
  });
  const labels = { team: "data", "seawall-component": "event-stream" };

  it("creates the cluster, a key ring and key, and the Managed Kafka service agent's grant, and nothing else", () => {
    expect(p.counts()).toEqual({
      [T.component]: 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.identity]: 1,
      [T.grant]: 1,
      [T.cluster]: 1,
    });
  });

  it("sizes the cluster at 3 vCPUs and 12 GiB, attaches the subnet, encrypts with the key and rebalances on scale-up", () => {
    const cluster = p.one(T.cluster, "events");
    const key = p.one(T.key, "events-key");
    expect(cluster.inputs).toEqual({
      clusterId: "events",
      location: REGION,
      project: PROJECT,
      capacityConfig: { vcpuCount: "3", memoryBytes: String(12 * GIB) },
      gcpConfig: {
        accessConfig: { networkConfigs: [{ subnet: SUBNET }] },
        kmsKey: expect.stringMatching(new RegExp(`^${KEY_ID}[0-9a-f]+/cryptoKeys/events-key-[0-9a-f]+$`)),
      },
      rebalanceConfig: { mode: "AUTO_REBALANCE_ON_SCALE_UP" },
      labels,
    });
    expect(cluster.propertyDependencies.gcpConfig).toEqual([key.urn]);
    expect(cluster.protect).toBe(true);
  });

  it("grants the Managed Kafka service agent the key, and creates the cluster only after that grant", () => {
    expect(p.one(T.identity, "events-key-managedkafka-agent").inputs).toEqual({
      service: "managedkafka.googleapis.com",
      project: PROJECT,
    });
    const grant = p.one(T.grant, "events-key-managedkafka-grant");
    expect(grant.inputs).toEqual({
      cryptoKeyId: (p.one(T.cluster, "events").inputs.gcpConfig as { kmsKey: string }).kmsKey,
      role: CMEK_ROLE,
      member: AGENT,
    });
    expect(p.one(T.cluster, "events").dependsOn).toContain(grant.urn);
  });

  it("rotates the key every 90 days and protects it", () => {
    const key = p.one(T.key, "events-key");
    expect(key.inputs).toMatchObject({ rotationPeriod: `${90 * 86400}s`, purpose: "ENCRYPT_DECRYPT" });
    expect(key.protect).toBe(true);
    expect(p.one(T.ring, "events-key-ring").inputs).toEqual({ location: REGION, project: PROJECT });
  });

  it("connects with SASL_SSL and OAUTHBEARER tokens from Google on the cluster's bootstrap address", () => {
    expect(p.output("connection")).toEqual({
      bootstrapServers: `bootstrap.events.${REGION}.managedkafka.${PROJECT}.cloud.goog:9092`,
      securityProtocol: "SASL_SSL",
      saslMechanism: "OAUTHBEARER",
      oauthProvider: "gcp",
    });
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("GCP EventStream for prod", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await stream(prodArgs);
  });

  it("takes the prod profile's capacity: 6 vCPUs and 24 GiB", () => {
    expect(p.one(T.cluster, "events").inputs.capacityConfig).toEqual({
      vcpuCount: "6",
      memoryBytes: "25769803776",
    });
  });

  it("creates each topic with three copies by default, two in sync, and its retention or compaction", () => {
    const cluster = p.one(T.cluster, "events");
    const common = { cluster: "events", location: REGION, project: PROJECT };
    expect(p.one(T.topic, "events-topic-events.raw").inputs).toEqual({
      ...common,
      topicId: "events.raw",
      partitionCount: 12,
      replicationFactor: 3,
      configs: { "cleanup.policy": "delete", "min.insync.replicas": "2", "retention.ms": "604800000" },
    });
    expect(p.one(T.topic, "events-topic-features").inputs).toEqual({
      ...common,
      topicId: "features",
      partitionCount: 6,
      replicationFactor: 3,
      configs: { "cleanup.policy": "compact", "min.insync.replicas": "2" },
    });
    expect(p.one(T.topic, "events-topic-features").propertyDependencies.cluster).toEqual([cluster.urn]);
    expect(p.one(T.topic, "events-topic-features").protect).toBe(true);
  });

  it("keeps a topic with two copies writable with one broker down: min.insync.replicas 1", () => {
    expect(p.one(T.topic, "events-topic-events.dead").inputs).toMatchObject({
      replicationFactor: 2,
      configs: { "cleanup.policy": "delete", "min.insync.replicas": "1", "retention.ms": "2592000000" },
    });
  });

  it("grants the workload's service account roles/managedkafka.client on the project", () => {
    expect(p.one(T.member, "events-client-0").inputs).toEqual({
      project: PROJECT,
      role: MANAGED_KAFKA_CLIENT_ROLE,
      member: `serviceAccount:workers@${PROJECT}.iam.gserviceaccount.com`,
    });
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("is reported by the policy pack once the cluster's key is gone (the check can fail)", async () => {
    const stripped = p.resources.map((r) =>
      r.type === T.cluster
        ? { ...r, inputs: { ...r.inputs, gcpConfig: { accessConfig: { networkConfigs: [] } } } }
        : r,
    );
    const verdicts = await evaluateResources(stripped, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => v.rule)).toEqual(["managedKafkaCmek"]);
  });
});

describe("GCP EventStream keys", () => {
  const brought = `projects/${PROJECT}/locations/${REGION}/keyRings/shared/cryptoKeys/kafka`;

  it("uses a brought key, grants the service agent on it and waits for the grant", async () => {
    const p = await stream({ kmsKey: { existing: { keyId: brought } } });
    expect(p.ofType(T.ring)).toEqual([]);
    expect(p.ofType(T.key)).toEqual([]);
    const grant = p.one(T.grant, "events-key-managedkafka-grant");
    expect(grant.inputs).toEqual({ cryptoKeyId: brought, role: CMEK_ROLE, member: AGENT });
    const cluster = p.one(T.cluster, "events");
    expect((cluster.inputs.gcpConfig as { kmsKey: string }).kmsKey).toBe(brought);
    expect(cluster.dependsOn).toContain(grant.urn);
  });

  it("grants nothing when the brought key's IAM is managed elsewhere", async () => {
    const p = await stream({ kmsKey: { existing: { keyId: brought, grantServiceAgents: false } } });
    expect(p.ofType(T.grant)).toEqual([]);
    expect(p.ofType(T.identity)).toEqual([]);
    expect((p.one(T.cluster, "events").inputs.gcpConfig as { kmsKey: string }).kmsKey).toBe(brought);
  });

  it("refuses Google-managed encryption and a key in another region", () => {
    expect(
      problemsThrownBy(() => validateEventStreamArgs({ ...base, region: REGION, kmsKey: { skip: true } })),
    ).toEqual([{ code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" }]);
    const elsewhere = `projects/${PROJECT}/locations/us-east1/keyRings/shared/cryptoKeys/kafka`;
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({ ...base, region: REGION, kmsKey: { existing: { keyId: elsewhere } } }),
      ),
    ).toEqual([{ code: "SEAWALL_GCP_KMS_LOCATION", field: "kmsKey.existing.keyId", value: elsewhere }]);
  });
});

describe("GCP EventStream options", () => {
  it("takes a cluster id, capacity, no rebalancing and several subnets as given", async () => {
    const other = `projects/net-host/regions/${REGION}/subnetworks/shared`;
    const p = await stream({
      clusterId: "pipeline-events",
      vcpuCount: 9,
      memoryGiB: 72,
      rebalanceMode: "NO_REBALANCE",
      subnetIds: [SUBNET, other],
      protect: false,
    });
    const cluster = p.one(T.cluster, "events");
    expect(cluster.inputs).toMatchObject({
      clusterId: "pipeline-events",
      capacityConfig: { vcpuCount: "9", memoryBytes: String(72 * GIB) },
      gcpConfig: { accessConfig: { networkConfigs: [{ subnet: SUBNET }, { subnet: other }] } },
      rebalanceConfig: { mode: "NO_REBALANCE" },
    });
    expect(cluster.protect).toBe(false);
    expect(p.one(T.key, "events-key").inputs.deletionPolicy).toBe("DELETE");
    expect(p.output("connection")).toMatchObject({
      bootstrapServers: `bootstrap.pipeline-events.${REGION}.managedkafka.${PROJECT}.cloud.goog:9092`,
    });
  });

  it("accepts subnet ids that are not known until deploy", () => {
    expect(() =>
      validateEventStreamArgs({ region: REGION, subnetIds: [pulumi.output(SUBNET)] }),
    ).not.toThrow();
  });
});

describe("GCP EventStream validation", () => {
  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({
          region: REGION,
          subnetIds: ["data", `projects/p/regions/us-east1/subnetworks/data`],
          clusterId: "Events_1",
          vcpuCount: 2,
          memoryGiB: 1.5,
          rebalanceMode: "ALWAYS" as never,
          defaultReplicationFactor: 4,
          minInsyncReplicas: 3,
          topics: [
            { name: "a b", partitions: 0 },
            { name: "x", partitions: 1, replicationFactor: 5, retentionHours: 0 },
            { name: "x", partitions: undefined as never },
          ],
          clientServiceAccounts: ["workers"],
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_EVENTSTREAM_SUBNET_ID", field: "subnetIds[0]", value: "data" },
      {
        code: "SEAWALL_GCP_EVENTSTREAM_SUBNET_REGION",
        field: "subnetIds[1]",
        value: "projects/p/regions/us-east1/subnetworks/data",
      },
      { code: "SEAWALL_GCP_EVENTSTREAM_CLUSTER_ID", field: "clusterId", value: "Events_1" },
      { code: "SEAWALL_GCP_EVENTSTREAM_VCPU", field: "vcpuCount", value: 2 },
      { code: "SEAWALL_GCP_EVENTSTREAM_MEMORY", field: "memoryGiB", value: 1.5 },
      { code: "SEAWALL_GCP_EVENTSTREAM_REBALANCE", field: "rebalanceMode", value: "ALWAYS" },
      { code: "SEAWALL_EVENTSTREAM_REPLICATION_FACTOR", field: "defaultReplicationFactor", value: 4 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_NAME", field: "topics[0].name", value: "a b" },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", field: "topics[0].partitions", value: 0 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_REPLICATION", field: "topics[1].replicationFactor", value: 5 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_RETENTION", field: "topics[1].retentionHours", value: 0 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE", field: "topics[2].name", value: "x" },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", field: "topics[2].partitions", value: undefined },
      { code: "SEAWALL_GCP_EVENTSTREAM_CLIENT_ACCOUNT", field: "clientServiceAccounts[0]", value: "workers" },
    ]);
  });

  it("names the memory range for the vCPU count: 1 to 8 GiB per vCPU, at least 3 GiB", () => {
    expect(memoryRange(3)).toEqual({ min: 3, max: 24 });
    expect(memoryRange(6)).toEqual({ min: 6, max: 48 });
    expect(() =>
      validateEventStreamArgs({ ...base, region: REGION, vcpuCount: 3, memoryGiB: 24 }),
    ).not.toThrow();
    expect(() => validateEventStreamArgs({ ...base, region: REGION, vcpuCount: 6, memoryGiB: 5 })).toThrow(
      "memoryGiB = 5: must be 6 to 48 GiB for 6 vCPUs: Managed Kafka takes 1 to 8 GiB per vCPU and at least 3 GiB [SEAWALL_GCP_EVENTSTREAM_MEMORY]",
    );
  });

  it("refuses min.insync.replicas equal to the replication factor, and needs a region and a subnet", () => {
    expect(
      problemsThrownBy(() => validateEventStreamArgs({ subnetIds: [], minInsyncReplicas: 3 }, undefined)),
    ).toEqual([
      { code: "SEAWALL_GCP_EVENTSTREAM_REGION", field: "region", value: undefined },
      { code: "SEAWALL_GCP_EVENTSTREAM_SUBNETS", field: "subnetIds", value: [] },
      { code: "SEAWALL_EVENTSTREAM_MIN_INSYNC_EQUALS_RF", field: "minInsyncReplicas", value: 3 },
    ]);
  });

  it("accepts every profile's GCP capacity", () => {
    for (const env of ENVIRONMENTS) {
      const { vcpuCount, memoryGiB } = PROFILES[env].sizes.gcp.eventStream;
      expect(() => validateEventStreamArgs({ ...base, region: REGION, vcpuCount, memoryGiB })).not.toThrow();
    }
  });
});

describe("GCP EventStream pure logic", () => {
  it("writes capacity as the API's decimal strings, memory in bytes", () => {
    expect(capacityConfig(3, 3)).toEqual({ vcpuCount: "3", memoryBytes: "3221225472" });
  });

  it("builds the documented bootstrap address on the SASL port", () => {
    expect(bootstrapAddress("c1", "us-central1", "my-project")).toBe(
      "bootstrap.c1.us-central1.managedkafka.my-project.cloud.goog:9092",
    );
  });

  it("never asks more copies in sync than the topic's copies less one", () => {
    expect(topicConfigs({ name: "t", partitions: 1 }, 1, 2)).toEqual({
      "cleanup.policy": "delete",
      "min.insync.replicas": "1",
    });
    expect(topicConfigs({ name: "t", partitions: 1, retentionHours: 1 }, 3, 2)["min.insync.replicas"]).toBe(
      "2",
    );
  });
});
