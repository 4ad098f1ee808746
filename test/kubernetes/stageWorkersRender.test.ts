/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are checked as untyped JSON */
import {
  DEFAULT_WORKLOADS,
  imageProblem,
  replicaBounds,
  type StageWorkload,
  validateStageWorkersConfig,
  workloadInput,
} from "../../components/kubernetes/stageWorkersConfig";
import {
  brokerPorts,
  renderDeployment,
  renderNamespace,
  renderNetworkPolicy,
  renderPodDisruptionBudget,
  renderSecret,
  renderService,
  renderServiceAccount,
  renderServiceMonitor,
  type WorkersRenderInput,
} from "../../components/kubernetes/stageWorkersRender";
import {
  renderFeatureServerHpa,
  renderScaledObject,
  renderTriggerAuthentication,
  type ScaledWorkload,
} from "../../components/kubernetes/stageWorkersScaling";
import fc from "fast-check";
import { chainOrder, chainStages, parseChain } from "../../runtime/src/stages/chain";
import { problemsThrownBy } from "../helpers";
import { schemaErrors } from "./schemas";

const DIGEST = `registry.example.com/seawall-runtime@sha256:${"a".repeat(64)}`;
const chain: StageWorkload = { stages: ["ingest", "dedup", "lake-sink", "feature-writer"] };
const server: StageWorkload = { stages: ["feature-server"] };

const input = (over: Partial<WorkersRenderInput> = {}): WorkersRenderInput => ({
  instance: "pipeline",
  namespace: "seawall",
  image: DIGEST,
  workloads: [chain, server],
  env: { KAFKA_BOOTSTRAP_SERVERS: "b-1:9098,b-2:9098", REDIS_HOST: "redis", REDIS_PORT: "6379" },
  secret: { name: "pipeline-credentials", keys: ["REDIS_AUTH"] },
  identity: { kind: "aws-pod-identity", serviceAccountAnnotations: {}, podLabels: {} },
  kafkaPorts: [9098],
  redisPort: 6379,
  monitoringNamespace: "monitoring",
  autoscaled: new Set(["ingest-dedup-lake-sink-feature-writer"]),
  ...over,
});

const scaled = (over: Partial<ScaledWorkload> = {}): ScaledWorkload => ({
  name: "ingest",
  namespace: "seawall",
  instance: "pipeline",
  topic: "events.raw",
  group: "seawall-ingest",
  bootstrapServers: "b-1:9098",
  min: 2,
  max: 12,
  lagThreshold: 1000,
  source: { scaler: "kafka-msk-iam", awsRegion: "eu-west-1" },
  ...over,
});

describe("every rendered object validates against the Kubernetes 1.31 and CRD schemas", () => {
  const identities: WorkersRenderInput["identity"][] = [
    { kind: "aws-pod-identity", serviceAccountAnnotations: {}, podLabels: {} },
    {
      kind: "gcp-workload-identity",
      serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": "w@p.iam.gserviceaccount.com" },
      podLabels: {},
    },
    {
      kind: "azure-workload-identity",
      serviceAccountAnnotations: {
        "azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000000",
      },
      podLabels: { "azure.workload.identity/use": "true" },
      serviceAccountName: "seawall-workers",
    },
  ];
  it.each(identities.map((i) => [i.kind, i] as const))("with %s", (_kind, identity) => {
    const i = input({ identity, workloads: [...DEFAULT_WORKLOADS, chain] });
    const objects = [
      renderNamespace("seawall"),
      renderSecret("pipeline-credentials", "seawall", { REDIS_AUTH: "x" }),
      ...i.workloads.flatMap((w) => [
        renderServiceAccount(i, w.stages.join("-")),
        renderDeployment(i, w),
        renderPodDisruptionBudget(i, w),
        renderNetworkPolicy(i, w),
        renderService(i, w),
        renderServiceMonitor(i, w),
      ]),
      renderScaledObject(scaled()),
      renderTriggerAuthentication(scaled())!,
      renderScaledObject(
        scaled({ source: { scaler: "kafka-scram", mechanism: "scram_sha512", secretName: "s" } }),
      ),
      renderTriggerAuthentication(
        scaled({ source: { scaler: "kafka-scram", mechanism: "scram_sha512", secretName: "s" } }),
      )!,
      renderScaledObject(scaled({ source: { scaler: "prometheus", serverAddress: "http://p:9090" } })),
      renderFeatureServerHpa({
        name: "feature-server",
        namespace: "seawall",
        instance: "pipeline",
        min: 2,
        max: 10,
        cpuUtilization: 70,
      }),
    ];
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  it("catches a field the schema does not know (the check can fail)", () => {
    const d = renderDeployment(input(), chain) as Record<string, unknown>;
    expect(schemaErrors({ ...d, spec: { ...(d.spec as object), replica: 2 } })).toEqual([
      expect.stringContaining("must NOT have additional properties"),
    ]);
  });
});

describe("the Deployment", () => {
  const d = renderDeployment(input(), chain) as any;
  const pod = d.spec.template.spec;
  const c = pod.containers[0];

  it("runs the chain through the image's entry point, stages joined by +", () => {
    expect(c.args).toEqual(["ingest+dedup+lake-sink+feature-writer"]);
    expect(c.command).toBeUndefined();
    expect(c.image).toBe(DIGEST);
  });

  it("leaves replicas to the autoscaler, and sets them otherwise", () => {
    expect(d.spec.replicas).toBeUndefined();
    expect(
      renderDeployment(input({ autoscaled: new Set() }), { ...chain, minReplicas: 3 }).spec,
    ).toMatchObject({ replicas: 3 });
  });

  it("is hardened: non-root uid 1000, read-only root, no capabilities, no escalation, RuntimeDefault seccomp", () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }]);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("probes /healthz and /readyz on the http port and gives the runtime its shutdown deadline", () => {
    expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http", scheme: "HTTP" });
    expect(c.startupProbe.httpGet.path).toBe("/healthz");
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http", scheme: "HTTP" });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(c.resources).toEqual({
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
  });

  it("spreads across zones (hard) and nodes (soft)", () => {
    expect(pod.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
      ["topology.kubernetes.io/zone", "DoNotSchedule"],
      ["kubernetes.io/hostname", "ScheduleAnyway"],
    ]);
  });

  it("reads secrets only through secretKeyRef, plain variables sorted", () => {
    expect(c.env).toEqual([
      { name: "KAFKA_BOOTSTRAP_SERVERS", value: "b-1:9098,b-2:9098" },
      { name: "REDIS_HOST", value: "redis" },
      { name: "REDIS_PORT", value: "6379" },
      {
        name: "REDIS_AUTH",
        valueFrom: { secretKeyRef: { name: "pipeline-credentials", key: "REDIS_AUTH" } },
      },
    ]);
  });

  it("labels AKS pods for workload identity and runs them as the bound service account", () => {
    const azure = renderDeployment(
      input({
        identity: {
          kind: "azure-workload-identity",
          serviceAccountAnnotations: {},
          podLabels: { "azure.workload.identity/use": "true" },
          serviceAccountName: "seawall-workers",
        },
      }),
      server,
    ) as any;
    expect(azure.spec.template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(azure.spec.template.spec.serviceAccountName).toBe("seawall-workers");
    expect((renderDeployment(input(), server) as any).spec.template.spec.serviceAccountName).toBe(
      "seawall-feature-server",
    );
  });
});

describe("the NetworkPolicy", () => {
  it("lets the chain reach DNS, the brokers, Redis, HTTPS and the Pod Identity agent, and only Prometheus in", () => {
    expect(renderNetworkPolicy(input(), chain).spec).toEqual({
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "seawall-worker",
          "app.kubernetes.io/instance": "pipeline",
          "app.kubernetes.io/component": "ingest-dedup-lake-sink-feature-writer",
        },
      },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
      egress: [
        {
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        { ports: [{ protocol: "TCP", port: 9098 }] },
        { ports: [{ protocol: "TCP", port: 6379 }] },
        { ports: [{ protocol: "TCP", port: 443 }] },
        { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
      ],
    });
  });

  it("gives ingest no Redis and no HTTPS, and the feature server no brokers", () => {
    const ports = (w: StageWorkload) =>
      (renderNetworkPolicy(input(), w).spec as any).egress.flatMap((e: any) =>
        e.ports.map((p: any) => p.port),
      );
    expect(ports({ stages: ["ingest"] })).toEqual([53, 53, 9098, 80]);
    expect(ports(server)).toEqual([53, 53, 6379, 80]);
  });

  it("admits the feature server's clients, and GKE pods reach the metadata server", () => {
    const spec = renderNetworkPolicy(
      input({ identity: { kind: "gcp-workload-identity", serviceAccountAnnotations: {}, podLabels: {} } }),
      server,
    ).spec as any;
    expect(spec.ingress).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
    expect(spec.egress.at(-1)).toEqual({
      to: [{ ipBlock: { cidr: "169.254.169.254/32" } }],
      ports: [
        { protocol: "TCP", port: 80 },
        { protocol: "TCP", port: 988 },
      ],
    });
  });
});

describe("Services and ServiceMonitors", () => {
  it("makes consumers' Services headless and the feature server's a ClusterIP", () => {
    expect(renderService(input(), chain).spec).toMatchObject({ clusterIP: "None" });
    expect(renderService(input(), server).spec).not.toHaveProperty("clusterIP");
  });
  it("scrapes /metrics on the http port in the workers' namespace", () => {
    expect((renderServiceMonitor(input(), server).spec as any).endpoints).toEqual([
      { port: "http", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" },
    ]);
  });
});

describe("scaling", () => {
  it("scales on MSK IAM lag through the KEDA operator's pod identity, up to the partitions", () => {
    expect(renderScaledObject(scaled()).spec).toMatchObject({
      minReplicaCount: 2,
      maxReplicaCount: 12,
      triggers: [
        {
          type: "kafka",
          metadata: expect.objectContaining({
            bootstrapServers: "b-1:9098",
            consumerGroup: "seawall-ingest",
            topic: "events.raw",
            sasl: "oauthbearer",
            saslTokenProvider: "aws_msk_iam",
            awsRegion: "eu-west-1",
            tls: "enable",
            lagThreshold: "1000",
          }),
          authenticationRef: { name: "ingest-kafka" },
        },
      ],
    });
    expect(renderTriggerAuthentication(scaled())!.spec).toEqual({
      podIdentity: { provider: "aws", identityOwner: "keda" },
    });
  });

  it("reads SCRAM credentials from the Secret, never inline", () => {
    const s = scaled({
      source: { scaler: "kafka-scram", mechanism: "scram_sha512", secretName: "pipeline-credentials" },
    });
    expect(renderTriggerAuthentication(s)!.spec).toEqual({
      secretTargetRef: [
        { parameter: "username", name: "pipeline-credentials", key: "kafka-username" },
        { parameter: "password", name: "pipeline-credentials", key: "kafka-password" },
      ],
    });
    expect((renderScaledObject(s).spec as any).triggers[0].metadata.sasl).toBe("scram_sha512");
  });

  it("scales on the exported lag through Prometheus where KEDA cannot use the cloud's identity", () => {
    const s = scaled({
      source: { scaler: "prometheus", serverAddress: "http://kps-prometheus.monitoring.svc:9090" },
    });
    expect(renderTriggerAuthentication(s)).toBeUndefined();
    expect((renderScaledObject(s).spec as any).triggers).toEqual([
      {
        type: "prometheus",
        metadata: {
          serverAddress: "http://kps-prometheus.monitoring.svc:9090",
          query: 'sum(seawall_consumer_lag{namespace="seawall",service="ingest"})',
          threshold: "1000",
          activationThreshold: "0",
          ignoreNullValues: "false",
        },
      },
    ]);
  });

  it("caps replicas at the input topic's partitions", () => {
    expect(replicaBounds({ stages: ["dedup"] }, 6)).toEqual({ min: 2, max: 6 });
    expect(replicaBounds({ stages: ["dedup"], maxReplicas: 50 }, 6)).toEqual({ min: 2, max: 6 });
    expect(replicaBounds({ stages: ["dedup"], minReplicas: 4, maxReplicas: 5 }, 3)).toEqual({
      min: 3,
      max: 3,
    });
  });

  it("keeps min <= max <= partitions for any bounds (the ScaledObject CRD's CEL rule, which no JSON schema checks)", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
        fc.integer({ min: 1, max: 10000 }),
        (minReplicas, maxReplicas, partitions) => {
          const { min, max } = replicaBounds({ stages: ["ingest"], minReplicas, maxReplicas }, partitions);
          return min >= 1 && min <= max && max <= partitions;
        },
      ),
    );
  });

  it("reads a chain's input as its first stage's topic and group, with the runtime's names", () => {
    expect(workloadInput(chain)).toEqual({
      topic: "events.raw",
      group: "seawall-ingest+dedup+lake-sink+feature-writer",
    });
    expect(
      workloadInput({ stages: ["lake-sink"] }, { KAFKA_GROUP_PREFIX: "acme", TOPIC_EVENTS: "e" }),
    ).toEqual({ topic: "e", group: "acme-lake-sink" });
    expect(workloadInput(server)).toBeUndefined();
  });
});

describe("the runtime's topologies", () => {
  const subsets = (list: readonly string[]): string[][] =>
    list
      .reduce<string[][]>((acc, x) => [...acc, ...acc.map((a) => [...a, x])], [[]])
      .filter((a) => a.length > 1);

  it.each(subsets(chainOrder).map((stages) => [stages.join("+"), stages]))(
    "%s: accepted here exactly when the runtime runs it, with the runtime's group and topic",
    (_name, stages) => {
      const w = { stages: stages as StageWorkload["stages"] };
      const runtimeRuns = (() => {
        try {
          chainStages(stages.join("+"));
          return true;
        } catch {
          return false;
        }
      })();
      const accepted = (() => {
        try {
          validateStageWorkersConfig({ image: DIGEST, workloads: [w], autoscaling: false });
          return true;
        } catch {
          return false;
        }
      })();
      expect(accepted).toBe(runtimeRuns);
      if (runtimeRuns) {
        const plan = parseChain(stages.join("+"), {
          KAFKA_GROUP_PREFIX: "seawall",
          TOPIC_RAW: "events.raw",
          TOPIC_VALID: "events.valid",
          TOPIC_EVENTS: "events.unique",
          TOPIC_FEATURES: "features",
        });
        expect(workloadInput(w)).toEqual({ topic: plan.topic, group: plan.group });
      }
    },
  );
});

describe("validation", () => {
  it("accepts a digest, a version tag and both", () => {
    expect(imageProblem(DIGEST)).toBeUndefined();
    expect(imageProblem("ghcr.io/acme/seawall-runtime:1.4.2")).toBeUndefined();
    expect(imageProblem(`localhost:5000/seawall:1.0@sha256:${"0".repeat(64)}`)).toBeUndefined();
  });

  it("lists every problem at once", () => {
    expect(
      problemsThrownBy(() =>
        validateStageWorkersConfig({
          image: "seawall:latest",
          namespace: "Seawall",
          workloads: [
            { stages: ["dedup", "ingest"] },
            { stages: ["ingest", "nope" as never] },
            { stages: [] },
          ],
          env: { REDIS_AUTH: "hunter2", NOT_A_VAR: "1" },
          partitions: {},
          autoscaling: true,
          identityNamespace: "other",
          lagThreshold: 0,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_WORKERS_IMAGE", field: "image", value: "seawall:latest" },
      { code: "SEAWALL_K8S_WORKERS_NAME", field: "namespace", value: "Seawall" },
      { code: "SEAWALL_K8S_WORKERS_IDENTITY_NAMESPACE", field: "workloadIdentity.namespace", value: "other" },
      { code: "SEAWALL_K8S_WORKERS_CHAIN_ORDER", field: "workloads[0].stages", value: ["dedup", "ingest"] },
      {
        code: "SEAWALL_K8S_WORKERS_PARTITIONS",
        field: 'autoscaling.partitions["events.valid"]',
        value: undefined,
      },
      { code: "SEAWALL_K8S_WORKERS_STAGE_TWICE", field: "workloads[1].stages[0]", value: "ingest" },
      { code: "SEAWALL_K8S_WORKERS_STAGE_UNKNOWN", field: "workloads[1].stages[1]", value: "nope" },
      { code: "SEAWALL_K8S_WORKERS_CHAIN_ORDER", field: "workloads[1].stages", value: ["ingest", "nope"] },
      {
        code: "SEAWALL_K8S_WORKERS_PARTITIONS",
        field: 'autoscaling.partitions["events.raw"]',
        value: undefined,
      },
      { code: "SEAWALL_K8S_WORKERS_WORKLOADS_EMPTY", field: "workloads[2].stages", value: [] },
      { code: "SEAWALL_K8S_WORKERS_ENV", field: "env.REDIS_AUTH", value: "***" },
      { code: "SEAWALL_K8S_WORKERS_ENV", field: "env.NOT_A_VAR", value: "1" },
      { code: "SEAWALL_K8S_WORKERS_LAG_THRESHOLD", field: "autoscaling.lagThreshold", value: 0 },
    ]);
  });

  it("refuses a tagless image, a reused workload name and inverted replica bounds", () => {
    expect(
      problemsThrownBy(() =>
        validateStageWorkersConfig({
          image: "seawall",
          workloads: [
            { stages: ["ingest"], name: "w" },
            { stages: ["dedup"], name: "w", minReplicas: 3, maxReplicas: 2 },
          ],
          autoscaling: false,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_WORKERS_IMAGE", field: "image", value: "seawall" },
      { code: "SEAWALL_K8S_WORKERS_NAME", field: "workloads[1].name", value: "w" },
      { code: "SEAWALL_K8S_WORKERS_REPLICAS", field: "workloads[1].maxReplicas", value: 2 },
    ]);
  });

  it("reads the brokers' ports from the bootstrap servers", () => {
    expect(brokerPorts("b-1.x:9098, b-2.x:9098,b-3.x:9096")).toEqual([9096, 9098]);
  });
});

describe("workers' variables from existing Secrets", () => {
  const envOf = (w: StageWorkload, over: Partial<WorkersRenderInput> = {}) =>
    (renderDeployment(input(over), w) as any).spec.template.spec.containers[0].env as Record<
      string,
      unknown
    >[];

  it("reads a workload's own user and password over the component's Secret and secretEnv, each once", () => {
    const w: StageWorkload = {
      ...chain,
      env: { KAFKA_USERNAME: "seawall-chain" },
      secretEnv: { KAFKA_PASSWORD: { name: "seawall-chain", key: "password" } },
    };
    const env = envOf(w, { secretEnv: { KAFKA_CA_CERT: { name: "events-cluster-ca-cert", key: "ca.crt" } } });
    expect(env.filter((e) => "valueFrom" in e)).toEqual([
      {
        name: "REDIS_AUTH",
        valueFrom: { secretKeyRef: { name: "pipeline-credentials", key: "REDIS_AUTH" } },
      },
      {
        name: "KAFKA_CA_CERT",
        valueFrom: { secretKeyRef: { name: "events-cluster-ca-cert", key: "ca.crt" } },
      },
      { name: "KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: "seawall-chain", key: "password" } } },
    ]);
    expect(env).toContainEqual({ name: "KAFKA_USERNAME", value: "seawall-chain" });
    // A workload's reference replaces the component's of the same name.
    const over = envOf(
      { ...chain, secretEnv: { REDIS_AUTH: { name: "valkey-auth", key: "password" } } },
      { secretEnv: {} },
    );
    expect(over.filter((e) => e.name === "REDIS_AUTH")).toEqual([
      { name: "REDIS_AUTH", valueFrom: { secretKeyRef: { name: "valkey-auth", key: "password" } } },
    ]);
    expect(schemaErrors(renderDeployment(input(), w))).toEqual([]);
  });

  it("refuses a credential as a plain workload variable, an unknown name and a reference without a key", () => {
    expect(
      problemsThrownBy(() =>
        validateStageWorkersConfig({
          image: DIGEST,
          workloads: [
            {
              ...chain,
              env: { KAFKA_PASSWORD: "x", KAFKA_USER: "y" },
              secretEnv: { REDIS_CA_CERT: { name: "ca" } as never },
            },
          ],
          secretEnv: { AWS_ACCESS_KEY_ID: { name: "s3", key: "id" }, MY_TOKEN: { name: "t", key: "k" } },
          autoscaling: false,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_WORKERS_ENV", field: "workloads[0].env.KAFKA_PASSWORD", value: "***" },
      { code: "SEAWALL_K8S_WORKERS_ENV", field: "workloads[0].env.KAFKA_USER", value: "y" },
      {
        code: "SEAWALL_K8S_WORKERS_ENV",
        field: "workloads[0].secretEnv.REDIS_CA_CERT",
        value: { name: "ca" },
      },
      { code: "SEAWALL_K8S_WORKERS_ENV", field: "secretEnv.MY_TOKEN", value: "MY_TOKEN" },
    ]);
  });
});
