import { validateGcpPlatformArgs, workloadAccountId } from "../../components/gcp/platform";
import { synthesizeStack } from "../../scripts/synth/stacks";
import { Plan } from "../helpers";
import { monitoringArgs, PIPELINE_CONSUMERS } from "../../components/gcp/platformOperations";
import {
  eventStreamArgs,
  featureStoreArgs,
  GcpPlacement,
  networkArgs,
  objectStoreArgs,
} from "../../components/gcp/platformServices";
import { platformLabels } from "../../components/gcp/platformSettings";
import { DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { resolveProfile } from "../../components/profiles";

const prodArgs: DataPlatformArgs = {
  cloud: "gcp",
  environment: "prod",
  owner: "data-platform",
  dataClassification: "confidential",
  region: "us-central1",
  replicaRegion: "us-east1",
  eventStream: { topics: [{ name: "events.raw", partitions: 12 }] },
};
const devArgs: DataPlatformArgs = { ...prodArgs, environment: "dev", replicaRegion: undefined };
const prod = resolveProfile("prod");
const dev = resolveProfile("dev");
const placement: GcpPlacement = {
  networkId: "projects/p/global/networks/n",
  kafkaSubnetIds: ["projects/p/regions/us-central1/subnetworks/services"],
  workloadServiceAccount: "seawall-prod-workers@p.iam.gserviceaccount.com",
};
const labels = { "seawall-environment": "prod" };
const codes = (args: DataPlatformArgs) =>
  validateDataPlatformArgs(args).map(({ code, field, value }) => ({ code, field, value }));

describe("the GCP platform's labels", () => {
  it("carry the environment, owner and classification under GCP's label rules, and no backup marker", () => {
    expect(platformLabels({ ...prodArgs, tags: { team: "lake" } }, prod)).toEqual({
      team: "lake",
      "seawall-environment": "prod",
      "seawall-owner": "data-platform",
      "seawall-data-classification": "confidential",
    });
  });

  it("reports a tag or owner GCP would reject as a label, with its field", () => {
    expect(
      codes({ ...devArgs, owner: "Data Platform", tags: { "cost:center": "42", team: "Lake" } }),
    ).toEqual([
      { code: "SEAWALL_PLATFORM_GCP_LABEL", field: "tags.cost:center", value: "cost:center" },
      { code: "SEAWALL_PLATFORM_GCP_LABEL", field: "tags.team", value: "Lake" },
      { code: "SEAWALL_PLATFORM_GCP_LABEL", field: "owner", value: "Data Platform" },
    ]);
  });
});

describe("validation of a GCP platform", () => {
  it("accepts every environment's profile as it is", () => {
    expect(validateDataPlatformArgs(prodArgs)).toEqual([]);
    expect(validateDataPlatformArgs(devArgs)).toEqual([]);
    expect(validateDataPlatformArgs({ ...prodArgs, environment: "staging" })).toEqual([]);
  });

  it("lists every setting GCP has no counterpart for at once, each with a fix", () => {
    const problems = validateDataPlatformArgs({
      ...devArgs,
      network: { cidrBlock: "10.1.0.0/16", interfaceEndpoints: ["sts"] },
      eventStream: { clientAuthentication: "scram", kafkaVersion: "3.7.x" },
    });
    expect(problems.map(({ code, field, value }) => ({ code, field, value }))).toEqual([
      { code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field: "network.cidrBlock", value: "10.1.0.0/16" },
      { code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field: "network.interfaceEndpoints", value: ["sts"] },
      { code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field: "eventStream.clientAuthentication", value: "scram" },
      { code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field: "eventStream.kafkaVersion", value: "3.7.x" },
    ]);
    expect(problems[2].fix).toBe(
      'Managed Service for Apache Kafka has no SCRAM; clients authenticate with Google IAM (SASL OAUTHBEARER): use "iam"',
    );
  });

  it("reports the components' problems under the platform's field names", () => {
    expect(
      codes({
        ...devArgs,
        featureStore: { maxmemoryPolicy: "random" as never },
        eventStream: { topics: [{ name: "a b", partitions: 1 }] },
        profile: { monitoring: { cpuPercent: 101 } },
      }).map((p) => p.field),
    ).toEqual(
      expect.arrayContaining([
        "eventStream.topics[0].name",
        "featureStore.maxmemoryPolicy",
        "monitoring.thresholds.cacheCpuPercent",
      ]),
    );
  });

  it("validates without the cloud-neutral checks, which the platform runs once", () => {
    expect(validateGcpPlatformArgs({ ...prodArgs, replicaRegion: undefined }, prod)).toEqual([]);
  });
});

describe("the GCP platform's service arguments", () => {
  it("admits only the workloads' service account, with Valkey's connectivity and flow logs, no NAT", () => {
    expect(networkArgs(prodArgs, placement.workloadServiceAccount)).toEqual({
      region: "us-central1",
      network: { args: {} },
      clients: { serviceAccounts: ["seawall-prod-workers@p.iam.gserviceaccount.com"] },
      kafka: {},
      featureStore: { connectivity: "valkey" },
      flowLogs: { args: {} },
      nat: { skip: true },
    });
  });

  it("brings the team's own network when given", () => {
    const existing = { vpcId: "projects/p/global/networks/shared", subnetIds: ["s1", "s2"] };
    expect(
      networkArgs({ ...prodArgs, network: { existing } }, "sa@p.iam.gserviceaccount.com").network,
    ).toEqual({
      existing: { networkId: "projects/p/global/networks/shared", subnetIds: ["s1", "s2"] },
    });
  });

  it("sizes prod's Managed Kafka cluster from the profile: 6 vCPUs, 24 GiB, three copies, two in sync, protected", () => {
    expect(eventStreamArgs(prodArgs, prod, placement, labels)).toEqual({
      region: "us-central1",
      subnetIds: ["projects/p/regions/us-central1/subnetworks/services"],
      vcpuCount: 6,
      memoryGiB: 24,
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      topics: [{ name: "events.raw", partitions: 12 }],
      clientServiceAccounts: ["seawall-prod-workers@p.iam.gserviceaccount.com"],
      kmsKey: { args: { destroyScheduledDays: 30 } },
      protect: true,
      labels,
    });
  });

  it("runs prod's feature store with two replicas in other zones, the profile's backups, protected", () => {
    expect(featureStoreArgs(prodArgs, prod, placement, labels)).toEqual({
      region: "us-central1",
      network: "projects/p/global/networks/n",
      engineVersion: undefined,
      nodeType: "HIGHMEM_MEDIUM",
      replicaCount: 2,
      maxmemoryPolicy: undefined,
      backupRetentionDays: 14,
      clientServiceAccounts: ["seawall-prod-workers@p.iam.gserviceaccount.com"],
      kmsKey: { args: { destroyScheduledDays: 30 } },
      protect: true,
      labels,
    });
  });

  it("runs dev small and deletable: 3 vCPUs, a shared-core node without replicas, a 7-day key window", () => {
    const events = eventStreamArgs(devArgs, dev, placement, labels);
    expect([events.vcpuCount, events.memoryGiB, events.defaultReplicationFactor, events.protect]).toEqual([
      3,
      3,
      2,
      false,
    ]);
    const features = featureStoreArgs(devArgs, dev, placement, labels);
    expect([features.nodeType, features.replicaCount, features.protect, features.kmsKey]).toEqual([
      "SHARED_CORE_NANO",
      0,
      false,
      { args: { destroyScheduledDays: 7 } },
    ]);
  });
});

describe("the GCP platform's lake arguments", () => {
  it("makes prod's lake a dual region of the region and the replica region, turbo-replicated, protected", () => {
    expect(objectStoreArgs({ ...prodArgs, objectStore: { prefix: "events" } }, prod, labels)).toEqual({
      region: "us-central1",
      dualRegion: { replicaRegion: "us-east1" },
      turboReplication: true,
      bucketName: undefined,
      prefix: "events",
      kmsKey: { args: { destroyScheduledDays: 30 } },
      lifecycle: {
        infrequentAccessAfterDays: 30,
        archiveAfterDays: 90,
        expireNoncurrentAfterDays: 90,
        abortIncompleteMultipartAfterDays: 7,
      },
      autoclass: false,
      retentionPolicy: undefined,
      accessLogging: { skip: true },
      protect: true,
      labels,
    });
  });

  it("keeps dev's lake in one region, without turbo replication, unprotected", () => {
    const store = objectStoreArgs(devArgs, dev, labels);
    expect([store.dualRegion, store.turboReplication, store.protect]).toEqual([
      { skip: true },
      undefined,
      false,
    ]);
  });

  it("maps object lock to a retention policy (locked for COMPLIANCE), Intelligent-Tiering to Autoclass, access logging to a log bucket", () => {
    const lake = (objectStore: DataPlatformArgs["objectStore"]) =>
      objectStoreArgs({ ...prodArgs, objectStore }, prod, labels);
    expect(lake({ objectLock: { mode: "COMPLIANCE", days: 30 } }).retentionPolicy).toEqual({
      days: 30,
      locked: true,
    });
    expect(lake({ objectLock: { mode: "GOVERNANCE", days: 7 } }).retentionPolicy).toEqual({
      days: 7,
      locked: false,
    });
    expect(lake({ intelligentTiering: true })).toMatchObject({
      autoclass: true,
      lifecycle: { expireNoncurrentAfterDays: 90, abortIncompleteMultipartAfterDays: 7 },
    });
    expect(lake({ intelligentTiering: true }).lifecycle).not.toHaveProperty("archiveAfterDays");
    expect(validateDataPlatformArgs({ ...prodArgs, objectStore: { intelligentTiering: true } })).toEqual([]);
    expect(lake({ accessLogging: true }).accessLogging).toEqual({ args: {} });
  });

  it("reports S3's archive classes through the GCP object store's own check, under the platform's field", () => {
    expect(
      codes({ ...devArgs, objectStore: { lifecycle: { archiveStorageClass: "GLACIER" } } }).map(
        (p) => p.field,
      ),
    ).toEqual(["objectStore.lifecycle.archiveStorageClass"]);
  });

  it("reports a replica region Cloud Storage cannot pair with the region", () => {
    expect(codes({ ...prodArgs, replicaRegion: "europe-west1" }).map((p) => p.field)).toContainEqual(
      expect.stringMatching(/^objectStore\.dualRegion/),
    );
  });
});

describe("the GCP platform's monitoring arguments", () => {
  it("watches the pipeline's consumer groups, the Valkey instance, with the profile's thresholds and the team's emails", () => {
    expect(
      monitoringArgs({ ...prodArgs, monitoring: { alertEmails: ["oncall@example.com"] } }, prod, labels, {
        eventStream: { clusterId: "seawall-prod-events" },
        featureStore: { instanceId: "seawall-prod-features" },
        objectStore: { bucket: "lake" },
        backups: true,
        alertTopic: { topicId: "projects/p/topics/alerts", projectNumber: "123" },
      }),
    ).toEqual({
      eventStream: { clusterId: "seawall-prod-events", consumers: PIPELINE_CONSUMERS },
      featureStore: { engine: "valkey", instanceId: "seawall-prod-features" },
      objectStore: { bucket: "lake" },
      backups: { enabled: true },
      thresholds: {
        consumerLagMessages: 100_000,
        cacheCpuPercent: 75,
        cacheMemoryPercent: 80,
        cacheEvictions: 0,
        cacheReplicationLagSeconds: 10,
        replicationDelaySeconds: 900,
      },
      alertEmails: ["oncall@example.com"],
      pubsub: { topicId: "projects/p/topics/alerts", projectNumber: "123" },
      labels,
    });
  });

  it("watches nothing the platform did not build", () => {
    expect(Object.keys(monitoringArgs(devArgs, dev, {}, {})).sort()).toEqual([
      "alertEmails",
      "labels",
      "thresholds",
    ]);
  });
});

describe("workloadAccountId", () => {
  it.each([
    ["seawall-prod", "seawall-prod-workers"],
    ["a-very-long-platform-name-for-x", "a-very-long-platform-name-for"],
    ["9lives", "w9lives-workers"],
    ["Lake_1", "lake-1-workers"],
  ])("names %s's account %s, a valid IAM account id", (name, id) => {
    expect(workloadAccountId(name)).toBe(id);
    expect(id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
  });
});

const T = {
  account: "gcp:serviceaccount/account:Account",
  firewall: "gcp:compute/firewall:Firewall",
  iam: "gcp:projects/iAMMember:IAMMember",
  bucketIam: "gcp:storage/bucketIAMMember:BucketIAMMember",
  bucket: "gcp:storage/bucket:Bucket",
  cluster: "gcp:managedkafka/cluster:Cluster",
  instance: "gcp:memorystore/instance:Instance",
  policy: "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  alert: "gcp:monitoring/alertPolicy:AlertPolicy",
};

describe("the prod-gcp stack", () => {
  let p: Plan;
  let email: string;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("prod-gcp"));
    email = p.output("workloadServiceAccount") as string;
  });

  it("composes the lake, network, event stream, feature store, monitoring, the GKE cluster and Airflow's Cloud SQL database, and no backup vault", () => {
    expect(p.ofType("seawall:gcp:ObjectStore").length).toBe(1);
    expect(
      p.resources
        .filter((r) => r.type.startsWith("seawall:gcp:"))
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual([
      "seawall:gcp:AirflowDatabase seawall-prod-airflow-db",
      "seawall:gcp:Cluster seawall-prod-cluster",
      "seawall:gcp:EventStream seawall-prod-events",
      "seawall:gcp:FeatureStore seawall-prod-features",
      "seawall:gcp:Monitoring seawall-prod-monitoring",
      "seawall:gcp:Network seawall-prod-network",
      "seawall:gcp:ObjectStore seawall-prod-lake",
    ]);
    expect(p.resources.filter((r) => r.type.startsWith("gcp:backupdisasterrecovery"))).toEqual([]);
  });

  it("runs the workers as one service account, granted Managed Kafka, Memorystore and the lake's objects", () => {
    expect(p.one(T.account, "seawall-prod-workers").inputs).toEqual({
      accountId: "seawall-prod-workers",
      displayName: "Seawall prod workers",
      description: "The stage workers: Managed Kafka client, Memorystore IAM user, lake reader and writer.",
    });
    expect(email).toBe("seawall-prod-workers@seawall-prod.iam.gserviceaccount.com");
    const member = `serviceAccount:${email}`;
    expect(
      p
        .ofType(T.iam)
        .map((r) => [r.inputs.role, r.inputs.member])
        .sort(),
    ).toEqual([
      // The cluster's nodes run as their own account, with the one role GKE nodes need.
      [
        "roles/container.defaultNodeServiceAccount",
        "serviceAccount:seawall-prod-cluster-nodes@seawall-prod.iam.gserviceaccount.com",
      ],
      ["roles/managedkafka.client", member],
      ["roles/memorystore.dbConnectionUser", member],
    ]);
    expect(p.one(T.bucketIam, "seawall-prod-lake-workers").inputs).toEqual({
      bucket: (p.output("objectStore") as { bucket: string }).bucket,
      role: "roles/storage.objectUser",
      member,
    });
  });

  it("admits only the workers' service account to the Kafka and Valkey ports", () => {
    const allows = p.ofType(T.firewall).filter((r) => r.inputs.allows);
    expect(allows.map((r) => [r.name, r.inputs.targetServiceAccounts])).toEqual([
      ["seawall-prod-network-kafka-clients", [email]],
      ["seawall-prod-network-featurestore-clients", [email]],
    ]);
  });

  it("places the cluster in the services subnet and the Valkey endpoints in the network, after its connection policy", () => {
    const services = p.ofType(T.subnet).find((s) => s.name.endsWith("-services"));
    const cluster = p.one(T.cluster, "seawall-prod-events");
    expect(cluster.propertyDependencies.gcpConfig).toContain(services!.urn);
    const instance = p.one(T.instance, "seawall-prod-features");
    expect(instance.propertyDependencies.desiredAutoCreatedEndpoints).toContain(
      p.one(T.policy, "seawall-prod-network-memorystore").urn,
    );
    expect(instance.inputs.desiredAutoCreatedEndpoints).toEqual([
      { network: (p.output("gcpNetwork") as { networkId: string }).networkId, projectId: "seawall-prod" },
    ]);
  });

  it("protects the stateful stores and labels them with the environment, owner and classification", () => {
    for (const [type, name] of [
      [T.bucket, "seawall-prod-lake"],
      [T.cluster, "seawall-prod-events"],
      [T.instance, "seawall-prod-features"],
    ]) {
      const r = p.one(type, name);
      expect(r.protect).toBe(true);
      expect(r.inputs.labels).toMatchObject({
        "seawall-environment": "prod",
        "seawall-owner": "data-platform",
        "seawall-data-classification": "confidential",
      });
    }
  });

  it("publishes every alert to a CMEK-encrypted Pub/Sub topic in the region, which Cloud Monitoring may publish to", () => {
    const topic = p.one("gcp:pubsub/topic:Topic", "seawall-prod-alerts");
    const grant = p.one(
      "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      "seawall-prod-alerts-key-pubsub-grant",
    );
    expect(topic.inputs).toEqual({
      kmsKeyName: (p.output("kmsKeys") as Record<string, string>).alerts,
      messageStoragePolicy: { allowedPersistenceRegions: ["us-central1"], enforceInTransit: true },
      messageRetentionDuration: "604800s",
      labels: expect.objectContaining({ "seawall-component": "alerts", "seawall-environment": "prod" }),
    });
    expect(topic.dependsOn).toContain(grant.urn);
    expect(grant.inputs.member).toMatch(
      /^serviceAccount:service-\d{12}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/,
    );
    expect(p.output("alertTopicId")).toMatch(/^projects\/seawall-prod\/topics\/seawall-prod-alerts-/);
    const channel = p.one(
      "gcp:monitoring/notificationChannel:NotificationChannel",
      "seawall-prod-monitoring-pubsub",
    );
    expect(channel.inputs.labels).toEqual({ topic: p.output("alertTopicId") });
    const publisher = p.one(
      "gcp:pubsub/topicIAMMember:TopicIAMMember",
      "seawall-prod-monitoring-pubsub-publisher",
    );
    expect(publisher.inputs).toEqual({
      topic: p.output("alertTopicId"),
      role: "roles/pubsub.publisher",
      member: expect.stringMatching(
        /^serviceAccount:service-\d{12}@gcp-sa-monitoring-notification\.iam\.gserviceaccount\.com$/,
      ),
    });
    for (const policy of p.ofType(T.alert))
      expect(policy.propertyDependencies.notificationChannels).toContain(channel.urn);
  });

  it("watches the pipeline's four consumer groups, the Valkey instance and the lake's turbo replication", () => {
    const names = p.names(T.alert);
    expect(names.filter((n) => n.includes("-kafka-consumer-lag-"))).toHaveLength(4);
    expect(names).toEqual(
      expect.arrayContaining([
        "seawall-prod-monitoring-cache-memory",
        "seawall-prod-monitoring-bucket-turbo-replication-delay",
      ]),
    );
  });

  it("exports the lake as one dual-region bucket, the network and the dashboard", () => {
    const location = p.output("objectStore") as { bucket: string };
    expect(location).toEqual({
      scheme: "gs",
      bucket: expect.stringMatching(/^seawall-prod-lake-[0-9a-f]{7}$/),
      prefix: "events",
      region: "us-central1",
      replica: { bucket: location.bucket, region: "us-east1" },
    });
    expect(p.output("bucketUri")).toBe(`gs://${location.bucket}/events`);
    expect(p.output("gcpNetwork")).toEqual({
      networkId: expect.stringMatching(/^projects\/seawall-prod\/global\/networks\/seawall-prod-network-/),
      subnetIds: [expect.stringContaining("-workloads"), expect.stringContaining("-services")],
    });
    expect(p.output("dashboardUrl")).toMatch(
      /^https:\/\/console\.cloud\.google\.com\/monitoring\/dashboards\//,
    );
    expect(Object.keys(p.output("kmsKeys") as object)).toEqual([
      "objectStore",
      "eventStream",
      "featureStore",
      "alerts",
    ]);
  });
});

describe("the dev-gcp stack", () => {
  it("is single-region, unprotected, and keeps its CMEK and versioning", async () => {
    const p = new Plan(await synthesizeStack("dev-gcp"));
    expect(p.resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
    const lake = p.one(T.bucket, "seawall-dev-lake").inputs;
    expect([lake.location, lake.customPlacementConfig, lake.rpo]).toEqual([
      "US-CENTRAL1",
      undefined,
      undefined,
    ]);
    expect(lake.versioning).toEqual({ enabled: true });
    expect(lake.encryption).toEqual({
      defaultKmsKeyName: expect.stringMatching(/^projects\/seawall-dev\/locations\/us-central1\//),
    });
    expect(p.output("objectStore")).not.toHaveProperty("replica");
    expect(p.names(T.alert).filter((n) => n.includes("turbo"))).toEqual([]);
  });
});
