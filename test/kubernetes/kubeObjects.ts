/** Rendered Kubernetes objects back from a synthesis's recorded resources, for schema checks. */
import * as pulumi from "@pulumi/pulumi";
import type { BackupStore } from "../../components/kubernetes/objectStore";
import { type RecordedResource, Secret } from "../../scripts/synth/harness";
import type { Plan } from "../helpers";

/**
 * The object a Kubernetes resource registered, as the API server would receive it: apiVersion and
 * kind from its type token, Pulumi secrets unwrapped, undefined fields dropped.
 */
export function objectOf(
  r: RecordedResource,
): Record<string, unknown> & { apiVersion: string; kind: string } {
  const [, group, kind] = r.type.split(":");
  const apiVersion = group.replace(/^core\//, "");
  return JSON.parse(JSON.stringify(unwrap({ apiVersion, kind, ...r.inputs })));
}

/** `value` with every {@link Secret} replaced by what it holds (its toJSON would print "[secret]"). */
function unwrap(value: unknown): unknown {
  if (value instanceof Secret) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

/** A Secret's `stringData`, which must be a Pulumi secret. */
export function secretData(p: Plan, name: string): Record<string, string> {
  const data = p.one("kubernetes:core/v1:Secret", name).inputs.stringData;
  if (!(data instanceof Secret)) throw new Error(`${name}'s stringData is not a Pulumi secret`);
  return data.value as Record<string, string>;
}

/** The object store's gateway as `ObjectStore` makes it in the `seaweedfs` namespace. */
export const STORE_ENDPOINT = "https://seaweedfs-s3.seaweedfs.svc:8333";

/** A backups bucket and identity as `ObjectStore.backupStore` gives them. */
export const backupStoreFixture = (): BackupStore => ({
  endpoint: STORE_ENDPOINT,
  bucket: "seawall-backups",
  region: "us-east-1",
  accessKeyId: pulumi.secret("BACKUPSKEY0000000000"),
  secretAccessKey: pulumi.secret("backups-secret-key"),
  issuerRef: { name: "seawall-ca-issuer", kind: "ClusterIssuer", group: "cert-manager.io" },
});
