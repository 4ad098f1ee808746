/**
 * Google Cloud Storage through the official client. Create-only with `ifGenerationMatch=0`: a 412
 * means the object already exists, which the lake sink treats as done.
 */
import { Storage, type Bucket } from "@google-cloud/storage";
import type { ObjectStore } from "./objectStore";
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

  async head(key: string) {
    try {
      const [m] = await this.bucket.file(key).getMetadata();
      return Object.fromEntries(Object.entries(m.metadata ?? {}).map(([k, v]) => [k, String(v)]));
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async get(key: string) {
    const [buf] = await this.bucket.file(key).download({ validation: false });
    return buf;
  }

  async list(prefix: string) {
    const [files] = await this.bucket.getFiles({ prefix, autoPaginate: true });
    return files.map((f) => f.name).sort();
  }
}
