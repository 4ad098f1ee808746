import { PolicyResource } from "@pulumi/policy";
import { asList, known, matchesAny, Props, StackFinding } from "./rule";

export { asList };

/** S3 type tokens: the current ones of @pulumi/aws v7 and their `...V2` aliases. */
export const S3 = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
  acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
  replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
} as const;

export const isOf = (tokens: readonly string[]) => (r: PolicyResource) => matchesAny(tokens, r.type);

/** A literal bucket name, when the program gave one (not an unknown, not auto-named). */
export function literalBucketName(props: Props): string | undefined {
  const v = known(() => props.bucket as unknown, undefined);
  return typeof v === "string" ? v : undefined;
}

/**
 * The stack's S3 buckets, indexed once by URN and by literal `bucket` name, so that tying every
 * split resource to its bucket costs one lookup each: linear in resources, not buckets × resources.
 */
export class BucketIndex {
  /** Every bucket of the stack, in stack order. */
  readonly buckets: PolicyResource[];
  private readonly byName = new Map<string, PolicyResource[]>();

  constructor(readonly resources: readonly PolicyResource[]) {
    this.buckets = resources.filter(isOf(S3.bucket));
    for (const b of this.buckets) {
      const name = literalBucketName(b.props);
      if (name === undefined) continue;
      const list = this.byName.get(name);
      if (list) list.push(b);
      else this.byName.set(name, [b]);
    }
  }

  /** The buckets of this stack whose literal `bucket` name is `name`. */
  named(name: string): readonly PolicyResource[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * The buckets a split S3 resource configures: the resources its `property` (`bucket` by default)
   * came from, through `propertyDependencies`. Only when there are none (a bucket named by a literal
   * string in the program) does it fall back to the buckets whose explicit `bucket` name is that string.
   */
  linked(resource: PolicyResource, property = "bucket"): readonly PolicyResource[] {
    const deps = (resource.propertyDependencies[property] ?? []).filter(isOf(S3.bucket));
    if (deps.length > 0) return deps;
    if (property !== "bucket") return [];
    const name = literalBucketName(resource.props);
    return name === undefined ? [] : this.named(name);
  }

  /** Every split resource of the given kinds, by the URN of the bucket it configures. */
  byBucket(tokens: readonly string[], property = "bucket"): Map<string, PolicyResource[]> {
    const map = new Map<string, PolicyResource[]>();
    for (const r of this.resources.filter(isOf(tokens))) {
      for (const b of this.linked(r, property)) {
        const list = map.get(b.urn);
        if (list) list.push(r);
        else map.set(b.urn, [r]);
      }
    }
    return map;
  }
}

const indexes = new WeakMap<readonly PolicyResource[], BucketIndex>();

/** The bucket index of a stack's resources, built once per resource list and reused by every rule given that list. */
export function bucketIndex(resources: readonly PolicyResource[]): BucketIndex {
  let index = indexes.get(resources);
  if (!index) {
    index = new BucketIndex(resources);
    indexes.set(resources, index);
  }
  return index;
}

/** Every split resource of the given kinds, by the URN of the bucket it configures. */
export function byBucket(
  resources: readonly PolicyResource[],
  tokens: readonly string[],
  property = "bucket",
): Map<string, PolicyResource[]> {
  return bucketIndex(resources).byBucket(tokens, property);
}

/** A protection S3 keeps in a separate resource since provider v4, which every bucket should have. */
export interface Attachment {
  /** What is missing, as the message names it: "versioning (aws.s3.BucketVersioning)". */
  label: string;
  /** The split resources that provide it. */
  tokens: readonly string[];
  /** The bucket's legacy inline property that provides it too, when there is one (the finding's path). */
  inline?: keyof typeof INLINE | "policy";
}

/**
 * Each bucket that has neither a split resource of `kind` tied to it nor the inline property: one
 * finding on the bucket, with the inline property as path (unset). A bucket whose inline property is
 * unknown is skipped.
 */
export function missingAttachments(resources: readonly PolicyResource[], kind: Attachment): StackFinding[] {
  const index = bucketIndex(resources);
  const linked = index.byBucket(kind.tokens);
  const findings: StackFinding[] = [];
  for (const bucket of index.buckets) {
    if (linked.has(bucket.urn)) continue;
    const setting = kind.inline;
    if (setting !== undefined) {
      const has = known(
        () => (setting === "policy" ? bucket.props.policy !== undefined : hasInline(bucket.props, setting)),
        true,
      );
      if (has) continue;
    }
    findings.push({
      urn: bucket.urn,
      message: `bucket ${bucket.name} is missing: ${kind.label}`,
      path: setting === undefined ? undefined : setting === "policy" ? "policy" : INLINE[setting][0],
      value: undefined,
    });
  }
  return findings;
}

/** URNs of buckets that receive server access logs (SSE-KMS is not supported for them). */
export function accessLogTargets(resources: readonly PolicyResource[]): Set<string> {
  const targets = new Set<string>();
  for (const r of resources.filter(isOf(S3.logging))) {
    for (const b of (r.propertyDependencies.targetBucket ?? []).filter(isOf(S3.bucket))) targets.add(b.urn);
  }
  for (const b of resources.filter(isOf(S3.bucket))) {
    for (const t of inlineDependencies(b, "logging")) targets.add(t.urn);
  }
  return targets;
}

/**
 * Literal names of buckets that receive server access logs: a `BucketLogging`'s `targetBucket` or a
 * bucket's inline logging target given as a string. They judge split resources whose bucket is not
 * in the program.
 */
export function accessLogTargetNames(resources: readonly PolicyResource[]): Set<string> {
  const names = new Set<string>();
  const add = (v: unknown) => typeof v === "string" && names.add(v);
  for (const r of resources.filter(isOf(S3.logging)))
    add(known(() => r.props.targetBucket as unknown, undefined));
  for (const b of resources.filter(isOf(S3.bucket))) {
    for (const l of known(() => inline(b.props, "logging"), []))
      add(known(() => l.value.targetBucket as unknown, undefined));
  }
  return names;
}

/** URNs of buckets that are the destination of a replication rule. */
export function replicationDestinations(resources: readonly PolicyResource[]): Set<string> {
  const dest = new Set<string>();
  for (const r of resources.filter(isOf(S3.replication))) {
    for (const b of (r.propertyDependencies.rules ?? []).filter(isOf(S3.bucket))) dest.add(b.urn);
  }
  for (const b of resources.filter(isOf(S3.bucket))) {
    for (const t of inlineDependencies(b, "replication")) dest.add(t.urn);
  }
  return dest;
}

/** A value read from a resource's inputs, with the input path it was read at (dotted, `[i]` for list items). */
export interface At<T = Props> {
  value: T;
  path: string;
}

/** `base.key`, or `key` at the top level. */
export function joinPath(base: string, key: string): string {
  return base === "" ? key : `${base}.${key}`;
}

/**
 * The blocks of `obj` under either name of a nested setting: an object, or a list of objects (each
 * with its `[i]` path). The provider's `Bucket` writes a block as one object under a singular name
 * (`serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault`); the deprecated but
 * valid `BucketV2` writes lists under plural names at every level
 * (`serverSideEncryptionConfigurations[0].rules[0].applyServerSideEncryptionByDefaults[0]`).
 * Reading both everywhere is what lets a rule judge either shape. Nulls are skipped.
 */
export function blocks(obj: Props | undefined, base: string, ...names: string[]): At[] {
  if (obj === undefined || obj === null) return [];
  const out: At[] = [];
  for (const name of new Set(names)) {
    const v = obj[name] as Props | Props[] | undefined | null;
    if (v === undefined || v === null) continue;
    const path = joinPath(base, name);
    if (Array.isArray(v))
      v.forEach((item, i) => item != null && out.push({ value: item, path: `${path}[${i}]` }));
    else out.push({ value: v, path });
  }
  return out;
}

/** The bucket input names of each inline (legacy) S3 setting: `Bucket`'s singular and `BucketV2`'s plural. */
export const INLINE = {
  encryption: ["serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations"],
  versioning: ["versioning", "versionings"],
  replication: ["replicationConfiguration", "replicationConfigurations"],
  logging: ["logging", "loggings"],
  website: ["website", "websites"],
} as const;

/** The bucket's inline blocks of one setting, in either shape. */
export function inline(props: Props, setting: keyof typeof INLINE): At[] {
  return blocks(props, "", ...INLINE[setting]);
}

/** Whether the bucket sets the inline setting at all (in either shape). */
export function hasInline(props: Props, setting: keyof typeof INLINE): boolean {
  return INLINE[setting].some((name) => props[name] !== undefined && props[name] !== null);
}

/** The bucket URNs a bucket's inline setting depends on, in either shape. */
function inlineDependencies(bucket: PolicyResource, setting: keyof typeof INLINE): PolicyResource[] {
  return INLINE[setting].flatMap((name) => bucket.propertyDependencies[name] ?? []).filter(isOf(S3.bucket));
}

/** An encryption default: the algorithm and key S3 applies to new objects. */
export interface EncryptionDefault {
  sseAlgorithm?: string;
  kmsMasterKeyId?: string;
}

/**
 * The encryption defaults of a server-side-encryption configuration block (a split
 * `BucketServerSideEncryptionConfiguration`'s inputs at path "", or a bucket's inline block): one per
 * rule; a rule without a default yields an empty one (S3 then applies SSE-S3).
 */
export function encryptionDefaults(config: Props, base: string): At<EncryptionDefault>[] {
  return blocks(config, base, "rule", "rules").flatMap((rule) => {
    const defaults = blocks(
      rule.value,
      rule.path,
      "applyServerSideEncryptionByDefault",
      "applyServerSideEncryptionByDefaults",
    );
    // Spread copies read every field, so an unknown one throws here rather than later.
    return defaults.length > 0
      ? defaults.map((d) => ({ value: { ...d.value }, path: d.path }))
      : [{ value: {}, path: joinPath(rule.path, "applyServerSideEncryptionByDefault") }];
  });
}

/** One replication rule, normalized from the split resource's, `Bucket`'s or `BucketV2`'s shape. */
export interface ReplicationRule {
  id?: string;
  status?: string;
  /**
   * Whether KMS-encrypted objects are replicated: true, false, or undefined when unset; with its path
   * and the value observed there (a status string or a boolean).
   */
  sseKms: At<boolean | undefined> & { observed: unknown };
  /** The replica key of the first destination that has one; with its path. */
  replicaKmsKeyId: At<string | undefined>;
}

function kmsSelection(rule: At): At<boolean | undefined> & { observed: unknown } {
  const criteria = blocks(rule.value, rule.path, "sourceSelectionCriteria", "sourceSelectionCriterias");
  for (const c of criteria) {
    for (const o of blocks(c.value, c.path, "sseKmsEncryptedObjects")) {
      // The split resource says status "Enabled"/"Disabled"; the inline shapes say enabled: boolean.
      const status: unknown = o.value.status;
      if (status !== undefined)
        return { value: status === "Enabled", path: joinPath(o.path, "status"), observed: status };
      const enabled: unknown = o.value.enabled;
      if (enabled !== undefined)
        return { value: enabled === true, path: joinPath(o.path, "enabled"), observed: enabled };
    }
  }
  return {
    value: undefined,
    path: joinPath(rule.path, "sourceSelectionCriteria.sseKmsEncryptedObjects"),
    observed: undefined,
  };
}

function replicaKey(rule: At): At<string | undefined> {
  const destinations = blocks(rule.value, rule.path, "destination", "destinations");
  for (const d of destinations) {
    // The split resource nests the key in encryptionConfiguration; the inline shapes do not.
    for (const e of blocks(d.value, d.path, "encryptionConfiguration")) {
      if (e.value.replicaKmsKeyId)
        return { value: e.value.replicaKmsKeyId, path: joinPath(e.path, "replicaKmsKeyId") };
    }
    if (d.value.replicaKmsKeyId)
      return { value: d.value.replicaKmsKeyId, path: joinPath(d.path, "replicaKmsKeyId") };
  }
  const first = destinations[0]?.path ?? joinPath(rule.path, "destination");
  return { value: undefined, path: joinPath(first, "encryptionConfiguration.replicaKmsKeyId") };
}

/** The rules of a replication configuration block (a split resource's inputs at path "", or an inline block). */
export function replicationRules(config: Props, base: string): At<ReplicationRule>[] {
  return asList(config.rules as Props[] | undefined).map((value, i) => {
    const rule = { value, path: `${joinPath(base, "rules")}[${i}]` };
    return {
      path: rule.path,
      value: {
        id: value.id as string | undefined,
        status: value.status as string | undefined,
        sseKms: kmsSelection(rule),
        replicaKmsKeyId: replicaKey(rule),
      },
    };
  });
}

/** A JSON policy document given as a string or an object; undefined when unparseable. */
export function parsePolicyDocument(policy: unknown): { Statement?: unknown } | undefined {
  if (typeof policy === "string") {
    try {
      return JSON.parse(policy) as { Statement?: unknown };
    } catch {
      return undefined;
    }
  }
  return policy && typeof policy === "object" ? (policy as { Statement?: unknown }) : undefined;
}

export function statements(doc: { Statement?: unknown }): Record<string, unknown>[] {
  const s = doc.Statement;
  if (Array.isArray(s)) return s as Record<string, unknown>[];
  return s && typeof s === "object" ? [s as Record<string, unknown>] : [];
}

/**
 * The tags of an AWS provider's `defaultTags`. Provider inputs reach the engine (and so a policy,
 * a preview or a stack export) as strings: @pulumi/aws registers `defaultTags` as JSON text
 * (`{"tags":{...}}`), while a hand-written resource list may hold the object. Both are read.
 */
export function providerDefaultTags(providerProps: Props | undefined): Props | undefined {
  let value: unknown = providerProps?.defaultTags;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const tags = value && typeof value === "object" ? (value as Props).tags : undefined;
  return tags && typeof tags === "object" && !Array.isArray(tags) ? (tags as Props) : undefined;
}
