import { z } from "zod";
import {
  CLOUDS,
  DATA_CLASSIFICATIONS,
  DataPlatformArgs,
  EVICTION_POLICIES,
  validateDataPlatformArgs,
} from "../components/platform";
import { ENVIRONMENTS } from "../components/profiles";
import { formatProblem, Problem } from "../components/validation";

/**
 * The stack's configuration: one schema for every key in the `seawall:` namespace, plus the
 * provider's region. Bad config fails before any resource is registered, every problem listed with
 * its key, its value and what is allowed.
 */

const days = (min: number, max: number) => z.int().min(min).max(max);

const lifecycle = z.strictObject({
  infrequentAccessAfterDays: days(1, 3650).optional(),
  archiveAfterDays: days(1, 36500).optional(),
  archiveStorageClass: z.enum(["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"]).optional(),
  expireNoncurrentAfterDays: days(1, 36500).optional(),
  abortIncompleteMultipartAfterDays: days(1, 365).optional(),
});

const objectStore = z.strictObject({
  bucketName: z.string().min(3).max(63).optional(),
  prefix: z.string().optional(),
  replication: z.boolean().optional(),
  replicationTimeControl: z.boolean().optional(),
  lifecycle: lifecycle.optional(),
  objectLock: z.strictObject({ mode: z.enum(["GOVERNANCE", "COMPLIANCE"]), days: days(1, 36500) }).optional(),
  accessLogging: z.boolean().optional(),
  intelligentTiering: z.boolean().optional(),
});

const network = z.strictObject({
  cidrBlock: z.string().optional(),
  existing: z
    .strictObject({ vpcId: z.string().min(1), subnetIds: z.array(z.string().min(1)).min(2) })
    .optional(),
  interfaceEndpoints: z.array(z.string().min(1)).optional(),
});

const topic = z.strictObject({
  name: z.string().min(1).max(249),
  partitions: z.int().min(1),
  replicationFactor: z.int().min(1).optional(),
  retentionHours: z.int().min(1).optional(),
  compaction: z.boolean().optional(),
});

const eventStream = z.strictObject({
  clientAuthentication: z.enum(["iam", "scram"]).optional(),
  kafkaVersion: z.string().optional(),
  topics: z.array(topic).optional(),
});

const featureStore = z.strictObject({
  engineVersion: z.string().optional(),
  maxmemoryPolicy: z.enum(EVICTION_POLICIES).optional(),
});

const monitoring = z.strictObject({
  alertEmails: z.array(z.email()).optional(),
});

const kubernetesPipeline = {
  /** Pinned: `<registry>/seawall-runtime@sha256:<digest>` or a version tag (checked by the platform). */
  image: z.string().min(1),
  workloads: z
    .array(
      z.strictObject({
        stages: z.array(z.string().min(1)).min(1),
        name: z.string().optional(),
        minReplicas: z.int().min(1).optional(),
        maxReplicas: z.int().min(1).optional(),
      }),
    )
    .optional(),
  keda: z
    .union([
      z.strictObject({ args: z.strictObject({ replicas: z.int().min(1).max(5).optional() }) }),
      z.strictObject({ existing: z.strictObject({ namespace: z.string().min(1) }) }),
      z.strictObject({ skip: z.literal(true) }),
    ])
    .optional(),
  monitoring: z
    .union([
      z.strictObject({ args: z.strictObject({ alertWebhookUrl: z.url().optional() }) }),
      z.strictObject({
        existing: z.strictObject({ namespace: z.string().min(1), prometheusUrl: z.url().optional() }),
      }),
    ])
    .optional(),
  airflow: z
    .union([
      z.strictObject({
        args: z.strictObject({ executor: z.enum(["KubernetesExecutor", "CeleryExecutor"]).optional() }),
      }),
      z.strictObject({ skip: z.literal(true) }),
    ])
    .optional(),
};

/**
 * The Kubernetes layer: `{ args }` builds the cloud's cluster (EKS, GKE, AKS) and runs the pipeline
 * on it, `{ existing }` runs it on a cluster reached through its kubeconfig (set it with
 * `pulumi config set --secret`), `{ skip: true }` (the default) runs none.
 */
const kubernetes = z.union([
  z.strictObject({
    args: z.strictObject({
      ...kubernetesPipeline,
      admins: z.array(z.string().min(1)).optional(),
      kubernetesVersion: z.string().optional(),
      nodes: z
        .strictObject({
          instanceType: z.string().min(1).optional(),
          minCount: z.int().min(0).optional(),
          maxCount: z.int().min(1).optional(),
        })
        .optional(),
    }),
  }),
  z.strictObject({
    existing: z.strictObject({
      ...kubernetesPipeline,
      kubeconfig: z.string().min(1),
      context: z.string().min(1).optional(),
    }),
  }),
  z.strictObject({ skip: z.literal(true) }),
]);

/** The `kubernetes` target's own settings (`seawall:cloud: kubernetes`). */
const kubernetesTarget = z.strictObject({
  storageClassName: z.string().min(1).optional(),
  issuerRef: z
    .strictObject({
      name: z.string().min(1),
      kind: z.enum(["Issuer", "ClusterIssuer"]),
      group: z.string().min(1).optional(),
    })
    .optional(),
  objectStore: z
    .strictObject({
      existing: z.strictObject({
        endpoint: z.url(),
        bucket: z.string().min(1),
        region: z.string().min(1).optional(),
        credentialsSecret: z.string().min(1).optional(),
      }),
    })
    .optional(),
  replica: z
    .strictObject({
      endpoint: z.url(),
      bucket: z.string().min(1),
      region: z.string().min(1).optional(),
      credentialsSecret: z.string().min(1),
    })
    .optional(),
  csiSnapshotClass: z.string().min(1).optional(),
});

/** The `seawall:` keys. */
export const seawallConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS),
  cloud: z.enum(CLOUDS),
  owner: z.string().min(1),
  dataClassification: z.enum(DATA_CLASSIFICATIONS).optional(),
  replicaRegion: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  objectStore: objectStore.optional(),
  network: network.optional(),
  eventStream: eventStream.optional(),
  featureStore: featureStore.optional(),
  monitoring: monitoring.optional(),
  kubernetes: kubernetes.optional(),
  kubernetesTarget: kubernetesTarget.optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

/** Where each cloud keeps its region in config. */
const REGION_KEY: Record<string, string> = {
  aws: "aws:region",
  gcp: "gcp:region",
  azure: "azure-native:location",
  kubernetes: "seawall:region",
};

/** Where a cloud that places resources in a project keeps it in config. */
const PROJECT_KEY: Record<string, string> = {
  gcp: "gcp:project",
};

/**
 * Where Azure keeps the subscription the platform is created in. Required, so that a stack never
 * lands in whatever subscription the deployer's Azure CLI happens to have selected.
 */
const SUBSCRIPTION_KEY: Record<string, string> = {
  azure: "azure-native:subscriptionId",
};

export class StackConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: Problem[],
  ) {
    super(
      `invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n") +
        `\nFix each with \`pulumi config set <key> <value> --stack ${stack}\` (or edit stacks/Pulumi.${stack}.yaml).`,
    );
    this.name = "StackConfigError";
  }
}

/** Parses a config value the way `pulumi.Config` does: JSON when it is JSON, else the string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The keys of the object schema at `path`, looking through optional wrappers. */
function shapeAt(schema: z.ZodType, path: PropertyKey[]): Record<string, unknown> {
  let s: unknown = schema;
  const unwrap = () => {
    while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap();
  };
  unwrap();
  for (const key of path) {
    if (s instanceof z.ZodArray) s = s.element;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<PropertyKey, unknown>)[key];
    unwrap();
  }
  return s instanceof z.ZodObject ? (s.shape as Record<string, unknown>) : {};
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return value === undefined ? `required (${issue.expected})` : `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}`;
    case "invalid_format":
      return `is not a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/**
 * Turns the engine's config map (`namespace:key` → string) into {@link DataPlatformArgs}, or throws
 * a {@link StackConfigError} listing every problem.
 */
export function parseStackConfig(stack: string, all: Record<string, string>): DataPlatformArgs {
  const seawall: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(all)) {
    if (key.startsWith("seawall:")) seawall[key.slice("seawall:".length)] = parseValue(raw);
  }
  const problems: Problem[] = [];
  // A cloud whose region is a seawall: key (the kubernetes target's seawall:region) keeps it
  // out of the platform's keys.
  const regionOwner = REGION_KEY[typeof seawall.cloud === "string" ? seawall.cloud : "aws"];
  if (regionOwner?.startsWith("seawall:")) delete seawall[regionOwner.slice("seawall:".length)];
  const parsed = seawallConfigSchema.safeParse(seawall);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const known = Object.keys(shapeAt(seawallConfigSchema, issue.path));
          problems.push({
            code: "SEAWALL_CONFIG_UNKNOWN_KEY",
            field: `seawall:${path.join(".")}`,
            value: valueAt(seawall, path),
            fix: `unknown key; the keys allowed here are ${known.join(", ")}`,
          });
        }
        continue;
      }
      const value = valueAt(seawall, issue.path);
      problems.push({
        code: "SEAWALL_CONFIG_INVALID",
        field: `seawall:${issue.path.join(".")}`,
        value,
        fix: describe(issue, value),
      });
    }
  }
  const cloud = typeof seawall.cloud === "string" ? seawall.cloud : "aws";
  const regionKey = REGION_KEY[cloud] ?? "aws:region";
  const region = all[regionKey];
  if (!region) {
    problems.push({
      code: "SEAWALL_CONFIG_REGION_REQUIRED",
      field: regionKey,
      value: undefined,
      fix: `required: the primary region of the ${cloud} platform`,
    });
  }
  const projectKey = PROJECT_KEY[cloud];
  if (projectKey && !all[projectKey]) {
    problems.push({
      code: "SEAWALL_CONFIG_PROJECT_REQUIRED",
      field: projectKey,
      value: undefined,
      fix: `required: the ${cloud} project the platform is created in`,
    });
  }
  const subscriptionKey = SUBSCRIPTION_KEY[cloud];
  if (subscriptionKey && !all[subscriptionKey]) {
    problems.push({
      code: "SEAWALL_CONFIG_SUBSCRIPTION_REQUIRED",
      field: subscriptionKey,
      value: undefined,
      fix: `required: the id of the ${cloud} subscription the platform is created in (a GUID)`,
    });
  }
  if (problems.length > 0 || !parsed.success || !region) throw new StackConfigError(stack, problems);

  const args: DataPlatformArgs = { ...parsed.data, region };
  const semantic = validateDataPlatformArgs(args).map((p) => ({
    ...p,
    field: p.field === "region" ? regionKey : `seawall:${p.field}`,
  }));
  if (semantic.length > 0) throw new StackConfigError(stack, semantic);
  return args;
}
