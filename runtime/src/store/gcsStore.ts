/**
 * Google Cloud Storage through the official client. Create-only with `ifGenerationMatch=0`: a 412
 * means the object already exists, which the lake sink treats as done. Versions are generations:
 * with Object Versioning on, a deleted object stays as a noncurrent generation whose `timeDeleted`
 * says when (GCS has no delete markers: `listVersions` reports that time as a deletion).
 */
import { Storage, type Bucket } from "@google-cloud/storage";
import { orderVersions, type ObjectStore, type ObjectVersion } from "./objectStore";
import { contentTypeOf } from "../naming";

function status(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

export interface GcsStoreOptions {
  bucket: string;
  /** A custom endpoint (an emulator); credentials are not sent to it. */
  endpoint?: string;
  projectId?: string;
}

export class GcsObjectStore implements ObjectStore {
  private readonly bucket: Bucket;

  constructor(o: GcsStoreOptions) {
    // Credentials from the default chain: Workload Identity / service account.
    const storage = new Storage({
      apiEndpoint: o.endpoint,
      projectId: o.projectId,
      retryOptions: { autoRetry: false },
    });
    this.bucket = storage.bucket(o.bucket);
  }

  async putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>) {
    try {
      await this.bucket.file(key).save(body, {
        resumable: false,
        validation: "md5",
        preconditionOpts: { ifGenerationMatch: 0 },
        contentType: contentTypeOf(key),
        metadata: { metadata },
      });
      return "created" as const;
    } catch (err) {
      if (status(err) === 412) return "exists" as const;
      throw err;
    }
  }

  private file(key: string, versionId?: string) {
    return this.bucket.file(key, versionId ? { generation: Number(versionId) } : {});
  }

  async head(key: string, versionId?: string) {
    try {
      const [m] = await this.file(key, versionId).getMetadata();
      return Object.fromEntries(Object.entries(m.metadata ?? {}).map(([k, v]) => [k, String(v)]));
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async get(key: string, versionId?: string) {
    const [buf] = await this.file(key, versionId).download({ validation: false });
    return buf;
  }

  async list(prefix: string) {
    const [files] = await this.bucket.getFiles({ prefix, autoPaginate: true });
    return files.map((f) => f.name).sort();
  }

  async delete(key: string): Promise<void> {
    await this.bucket.file(key).delete({ ignoreNotFound: true });
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const [files] = await this.bucket.getFiles({ prefix, versions: true, autoPaginate: true });
    const out: ObjectVersion[] = [];
    for (const f of files) {
      const m = f.metadata;
      const generation = String(m.generation ?? f.generation ?? "");
      const current = m.timeDeleted === undefined;
      out.push({
        key: f.name,
        versionId: generation,
        lastModified: new Date(String(m.timeCreated ?? m.updated ?? 0)),
        deleted: false,
        latest: current,
      });
      if (!current) {
        out.push({
          key: f.name,
          versionId: `${generation}-deleted`,
          lastModified: new Date(String(m.timeDeleted)),
          deleted: true,
          latest: false,
        });
      }
    }
    // A key without a live generation: its newest deletion is its current state.
    const ordered = orderVersions(out);
    const live = new Set(out.filter((v) => v.latest).map((v) => v.key));
    ordered.forEach((v, i) => {
      if (!live.has(v.key) && ordered[i + 1]?.key !== v.key) v.latest = true;
    });
    return ordered;
  }
}
