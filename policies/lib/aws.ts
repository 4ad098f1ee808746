import { PolicyResource } from "@pulumi/policy";
import { asList, known, matchesAny, Props } from "./rule";

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

/** URNs of buckets that receive server access logs (SSE-KMS is not supported for them). */
export function accessLogTargets(resources: readonly PolicyResource[]): Set<string> {
  const targets = new Set<string>();
  for (const r of resources.filter(isOf(S3.logging))) {
    for (const b of (r.propertyDependencies.targetBucket ?? []).filter(isOf(S3.bucket))) targets.add(b.urn);
  }
  for (const b of resources.filter(isOf(S3.bucket))) {
    for (const t of (b.propertyDependencies.logging ?? []).filter(isOf(S3.bucket))) targets.add(t.urn);
  }
  return targets;
}

/** URNs of buckets that are the destination of a replication rule. */
export function replicationDestinations(resources: readonly PolicyResource[]): Set<string> {
  const dest = new Set<string>();
  for (const r of resources.filter(isOf(S3.replication))) {
    for (const b of (r.propertyDependencies.rules ?? []).filter(isOf(S3.bucket))) dest.add(b.urn);
  }
  for (const b of resources.filter(isOf(S3.bucket))) {
    for (const t of (b.propertyDependencies.replicationConfiguration ?? []).filter(isOf(S3.bucket)))
      dest.add(t.urn);
  }
  return dest;
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
