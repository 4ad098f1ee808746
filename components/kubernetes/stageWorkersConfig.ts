/**
 * The stage workers' arguments that need no Pulumi: workloads (which stages run in which
 * Deployment), the runtime image reference, names, replicas, partitions, and their validation.
 * The stage names, the topics' defaults and the variables a worker reads all come from the
 * runtime's own schema (runtime/src/config.ts), so the two cannot drift apart.
 */
import { consumerGroups, stages, workerEnvSchema, type Stage } from "../../runtime/src/config";
import { isKnown, Problems } from "../validation";

export type { Stage } from "../../runtime/src/config";

/**
 * One Deployment's stages. A single stage runs alone; several run chained in one process
 * (`node dist/main.js ingest+dedup+lake-sink+feature-writer`), handing records over in memory.
 */
export interface StageWorkload {
  /** The stages, in pipeline order; the feature server runs alone. */
  stages: Stage[];
  /**
   * The Kubernetes name of the workload's objects (a DNS label, at most 40 characters so that the
   * names derived from it stay under 63).
   * @defaultValue the stages joined by "-" (`ingest-dedup-lake-sink-feature-writer`)
   */
  name?: string;
  /**
   * The consumer group the workload joins, which KEDA's `kafka` scaler reads the lag of.
   * @defaultValue the runtime's: `${KAFKA_GROUP_PREFIX}-${stage}` for a stage alone
   * (runtime/src/config.ts `consumerGroups`), `${KAFKA_GROUP_PREFIX}-${stages joined by "+"}` for a
   * chain, which reads its first stage's input topic (runtime/src/stages/chain.ts `parseChain`)
   */
  consumerGroup?: string;
  /**
   * The fewest replicas (also the replicas of a workload that does not autoscale).
   * @defaultValue 2 (one may be evicted while the other works)
   */
  minReplicas?: number;
  /**
   * The most replicas. A consuming workload never gets more than its input topic's partitions:
   * an extra consumer would sit idle.
   * @defaultValue the input topic's partitions (consumers); 10 (the feature server)
   */
  maxReplicas?: number;
  /**
   * CPU and memory requests and limits of the worker container (Kubernetes quantities).
   * @defaultValue {@link DEFAULT_RESOURCES}
   */
  resources?: WorkerResources;
  /**
   * More worker variables for this workload only (e.g. `KAFKA_USERNAME`, its own Kafka user).
   * @defaultValue {}
   */
  env?: Record<string, string>;
  /**
   * Variables this workload reads from existing Secrets (e.g. `KAFKA_PASSWORD` from its Strimzi
   * KafkaUser's Secret), over the component's `secretEnv`. @defaultValue {}
   */
  secretEnv?: Record<string, SecretKeyRef>;
}

/** A key of a Secret in the workers' namespace. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/**
 * Variables a worker's cloud SDK reads that `workerEnvSchema` does not list: the S3 client's static
 * keys, for an S3-compatible store without workload identity (only from a Secret).
 */
export const SDK_SECRET_ENV_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;

/** Requests and limits of a worker container. */
export interface WorkerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** 250m CPU and 512 MiB requested; 1 CPU and 1 GiB at most (librdkafka's buffers and a batch). */
export const DEFAULT_RESOURCES: WorkerResources = {
  requests: { cpu: "250m", memory: "512Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

/** One workload per stage: the default topology. */
export const DEFAULT_WORKLOADS: readonly StageWorkload[] = stages.map((s) => ({ stages: [s] }));

/** The consuming stages in pipeline order: a chain keeps this order. */
const PIPELINE_ORDER: readonly Stage[] = ["ingest", "dedup", "lake-sink", "feature-writer"];

/** The stage that serves HTTP reads and consumes nothing. */
export const FEATURE_SERVER: Stage = "feature-server";

/** The runtime's defaults for the variables the workers component reasons about. */
export const RUNTIME_DEFAULTS = {
  httpPort: workerEnvSchema.shape.HTTP_PORT.parse(undefined),
  shutdownDeadlineMs: workerEnvSchema.shape.SHUTDOWN_DEADLINE_MS.parse(undefined),
} as const;

/** The variables a worker reads (runtime/src/config.ts `workerEnvSchema`). */
export const WORKER_ENV_NAMES: readonly string[] = Object.keys(workerEnvSchema.shape);

/** Variables that carry credentials: only ever through a Secret and `secretKeyRef`. */
export const SECRET_ENV_NAMES = [
  "REDIS_AUTH",
  "KAFKA_CREDENTIALS",
  "KAFKA_PASSWORD",
  "REDIS_SENTINEL_AUTH",
] as const;

/** The arguments of {@link validateStageWorkersConfig}: the plain part of `StageWorkersArgs`. */
export interface StageWorkersConfig {
  image: unknown;
  namespace?: string;
  workloads?: StageWorkload[];
  env?: Record<string, unknown>;
  /** Variables from existing Secrets, for every workload. */
  secretEnv?: Record<string, unknown>;
  /** Partitions per topic, for the consuming workloads' replica ceilings. */
  partitions?: Record<string, unknown>;
  /** True when the workers autoscale (then every consuming workload's input topic needs partitions). */
  autoscaling: boolean;
  identityNamespace?: unknown;
  lagThreshold?: unknown;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `registry/path/name` then `:tag`, `@sha256:<64 hex>` or both (OCI distribution reference). */
const IMAGE =
  /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$/;

/**
 * Why an image reference may not run, or undefined when it is pinned: by digest
 * (`repo@sha256:...`, best: immutable) or by a version tag other than `latest`.
 */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image === "")
    return "must be an image reference, repo:tag or repo@sha256:<digest>";
  const m = IMAGE.exec(image);
  if (!m) {
    return "is not an image reference; give registry/repository:tag or registry/repository@sha256:<64 hex digits>";
  }
  if (m.groups?.digest) return undefined;
  if (!m.groups?.tag)
    return "has no tag, so it pulls latest; pin a version tag or, better, a digest (repo@sha256:...)";
  if (m.groups.tag === "latest") return "uses the latest tag, which moves; pin a version tag or a digest";
  return undefined;
}

/** The Kubernetes name of a workload: its `name`, or its stages joined by "-". */
export function workloadName(w: StageWorkload): string {
  return w.name ?? w.stages.join("-");
}

/** The argument the image's entry point (`node dist/main.js`) takes: the stages joined by "+". */
export function workloadCommand(w: StageWorkload): string {
  return w.stages.join("+");
}

/** True when the workload consumes a topic (every stage but the feature server). */
export function isConsuming(w: StageWorkload): boolean {
  return !w.stages.includes(FEATURE_SERVER);
}

/**
 * The topic and consumer group a consuming workload reads: its first stage's, named as the runtime
 * names them from the environment's `KAFKA_GROUP_PREFIX` and `TOPIC_*` (or their defaults).
 */
export function workloadInput(
  w: StageWorkload,
  env: Record<string, unknown> = {},
): { topic: string; group: string } | undefined {
  if (!isConsuming(w)) return undefined;
  const value = (
    k: "KAFKA_GROUP_PREFIX" | "TOPIC_RAW" | "TOPIC_VALID" | "TOPIC_EVENTS" | "TOPIC_FEATURES",
  ) =>
    typeof env[k] === "string" && env[k] !== ""
      ? (env[k] as string)
      : workerEnvSchema.shape[k].parse(undefined);
  const groups = consumerGroups({
    KAFKA_GROUP_PREFIX: value("KAFKA_GROUP_PREFIX"),
    TOPIC_RAW: value("TOPIC_RAW"),
    TOPIC_VALID: value("TOPIC_VALID"),
    TOPIC_EVENTS: value("TOPIC_EVENTS"),
    TOPIC_FEATURES: value("TOPIC_FEATURES"),
  });
  const first = groups.find((g) => g.stage === w.stages[0]);
  if (!first) return undefined;
  // A chain joins its own group, `${prefix}-${stages joined by "+"}` (runtime/src/stages/chain.ts `parseChain`).
  const group = w.stages.length > 1 ? `${value("KAFKA_GROUP_PREFIX")}-${workloadCommand(w)}` : first.group;
  return { topic: first.topic, group: w.consumerGroup ?? group };
}

/** The replica bounds of a workload: min from its args, max capped by its input's partitions. */
export function replicaBounds(
  w: StageWorkload,
  partitions: number | undefined,
): { min: number; max: number } {
  const min = w.minReplicas ?? 2;
  const wanted = w.maxReplicas ?? partitions ?? 10;
  const max = partitions === undefined ? wanted : Math.min(wanted, partitions);
  return { min: Math.min(min, max), max };
}

/**
 * Checks the plain part of the stage workers' arguments and throws one error listing every
 * problem: the image is pinned, every stage is known and runs once, chains keep pipeline order,
 * names are DNS labels, `env` names only variables the runtime reads (never a secret one), replica
 * bounds are ordered, and every autoscaled consumer's input topic has a partition count.
 */
export function validateStageWorkersConfig(c: StageWorkersConfig): void {
  const p = new Problems();
  if (isKnown(c.image)) {
    const why = imageProblem(c.image);
    if (why) p.add("SEAWALL_K8S_WORKERS_IMAGE", "image", c.image, why);
  }
  const namespace = c.namespace ?? "seawall";
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    p.add(
      "SEAWALL_K8S_WORKERS_NAME",
      "namespace",
      namespace,
      "must be a DNS label: a-z, 0-9 and -, at most 63",
    );
  }
  if (
    c.identityNamespace !== undefined &&
    isKnown(c.identityNamespace) &&
    c.identityNamespace !== namespace
  ) {
    p.add(
      "SEAWALL_K8S_WORKERS_IDENTITY_NAMESPACE",
      "workloadIdentity.namespace",
      c.identityNamespace,
      `the cluster bound the identity in another namespace than the workers' ("${namespace}"); run the workers there (namespace) or bind the identity in "${namespace}"`,
    );
  }
  const workloads = c.workloads ?? DEFAULT_WORKLOADS;
  if (workloads.length === 0) {
    p.add(
      "SEAWALL_K8S_WORKERS_WORKLOADS_EMPTY",
      "workloads",
      [],
      "give at least one workload, or leave workloads unset for one per stage",
    );
  }
  const seen = new Map<string, number>();
  const names = new Map<string, number>();
  workloads.forEach((w, i) => {
    const field = `workloads[${i}]`;
    if (!Array.isArray(w.stages) || w.stages.length === 0) {
      p.add(
        "SEAWALL_K8S_WORKERS_WORKLOADS_EMPTY",
        `${field}.stages`,
        w.stages,
        "give one stage, or several to chain",
      );
      return;
    }
    w.stages.forEach((s, j) => {
      if (!(stages as readonly string[]).includes(s)) {
        p.add(
          "SEAWALL_K8S_WORKERS_STAGE_UNKNOWN",
          `${field}.stages[${j}]`,
          s,
          `must be one of ${stages.join(", ")}`,
        );
      } else if (seen.has(s)) {
        p.add(
          "SEAWALL_K8S_WORKERS_STAGE_TWICE",
          `${field}.stages[${j}]`,
          s,
          `already runs in workloads[${seen.get(s)}]; run each stage in one workload, or two consumers share its group`,
        );
      } else seen.set(s, i);
    });
    if (w.stages.length > 1) {
      const order = w.stages.map((s) => PIPELINE_ORDER.indexOf(s));
      const downstream = w.stages.some((s) => s === "lake-sink" || s === "feature-writer");
      if (
        order.some((o) => o < 0) ||
        order.some((o, k) => k > 0 && o <= order[k - 1]) ||
        (downstream && !w.stages.includes("dedup"))
      ) {
        p.add(
          "SEAWALL_K8S_WORKERS_CHAIN_ORDER",
          `${field}.stages`,
          w.stages,
          `a chain lists consuming stages in pipeline order (${PIPELINE_ORDER.join(", ")}), each fed in the same process: lake-sink and feature-writer need dedup in the chain; the feature server runs alone`,
        );
      }
    }
    const name = workloadName(w);
    if (!DNS_LABEL.test(name) || name.length > 40) {
      p.add(
        "SEAWALL_K8S_WORKERS_NAME",
        `${field}.name`,
        name,
        "must be a DNS label (a-z, 0-9, -) of at most 40 characters; set name",
      );
    } else if (names.has(name)) {
      p.add(
        "SEAWALL_K8S_WORKERS_NAME",
        `${field}.name`,
        name,
        `is also workloads[${names.get(name)}]'s name; give each workload its own`,
      );
    } else names.set(name, i);
    p.wholeNumber("SEAWALL_K8S_WORKERS_REPLICAS", `${field}.minReplicas`, w.minReplicas, 1, 1000);
    p.wholeNumber("SEAWALL_K8S_WORKERS_REPLICAS", `${field}.maxReplicas`, w.maxReplicas, 1, 1000);
    if (
      typeof w.minReplicas === "number" &&
      typeof w.maxReplicas === "number" &&
      w.minReplicas > w.maxReplicas
    ) {
      p.add(
        "SEAWALL_K8S_WORKERS_REPLICAS",
        `${field}.maxReplicas`,
        w.maxReplicas,
        `must be at least minReplicas (${w.minReplicas})`,
      );
    }
    const input = Array.isArray(w.stages) ? workloadInput(w, c.env) : undefined;
    if (c.autoscaling && input) {
      const n = c.partitions?.[input.topic];
      if (n === undefined) {
        p.add(
          "SEAWALL_K8S_WORKERS_PARTITIONS",
          `autoscaling.partitions["${input.topic}"]`,
          undefined,
          `give the partitions of ${name}'s input topic: its replicas never exceed them`,
        );
      } else {
        p.wholeNumber(
          "SEAWALL_K8S_WORKERS_PARTITIONS",
          `autoscaling.partitions["${input.topic}"]`,
          n,
          1,
          10000,
        );
      }
    }
  });
  const envProblems = (field: string, env: Record<string, unknown> | undefined) => {
    for (const [key, value] of Object.entries(env ?? {})) {
      if ((SECRET_ENV_NAMES as readonly string[]).includes(key)) {
        p.add(
          "SEAWALL_K8S_WORKERS_ENV",
          `${field}.${key}`,
          "***",
          "is a credential: give it as secrets or secretEnv (a Kubernetes Secret read through secretKeyRef), never as a plain value",
        );
      } else if (!WORKER_ENV_NAMES.includes(key)) {
        p.add(
          "SEAWALL_K8S_WORKERS_ENV",
          `${field}.${key}`,
          value,
          "is not a variable the worker reads (runtime/src/config.ts workerEnvSchema)",
        );
      }
    }
  };
  const secretEnvProblems = (field: string, env: Record<string, unknown> | undefined) => {
    for (const [key, ref] of Object.entries(env ?? {})) {
      const r = ref as Partial<SecretKeyRef> | undefined;
      if (!WORKER_ENV_NAMES.includes(key) && !(SDK_SECRET_ENV_NAMES as readonly string[]).includes(key)) {
        p.add(
          "SEAWALL_K8S_WORKERS_ENV",
          `${field}.${key}`,
          key,
          `is not a variable the worker reads (runtime/src/config.ts workerEnvSchema, or ${SDK_SECRET_ENV_NAMES.join(", ")})`,
        );
      } else if (typeof r?.name !== "string" || typeof r?.key !== "string" || r.name === "" || r.key === "") {
        p.add(
          "SEAWALL_K8S_WORKERS_ENV",
          `${field}.${key}`,
          ref,
          "must be { name, key }: a Secret in the workers' namespace and its key",
        );
      }
    }
  };
  (c.workloads ?? []).forEach((w, i) => {
    envProblems(`workloads[${i}].env`, w?.env);
    secretEnvProblems(`workloads[${i}].secretEnv`, w?.secretEnv);
  });
  secretEnvProblems("secretEnv", c.secretEnv);
  envProblems("env", c.env);
  if (c.lagThreshold !== undefined) {
    p.wholeNumber(
      "SEAWALL_K8S_WORKERS_LAG_THRESHOLD",
      "autoscaling.lagThreshold",
      c.lagThreshold,
      1,
      100_000_000,
    );
  }
  p.throwIfAny("StageWorkers");
}
