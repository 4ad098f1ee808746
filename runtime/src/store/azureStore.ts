/**
 * Azure Blob Storage (the lake's `abfss` scheme: ADLS Gen2 accounts serve the Blob API too), through
 * the official SDK. Create-only with `If-None-Match: *`; 409 BlobAlreadyExists / 412 mean done.
 * Metadata names must be C# identifiers, so `-` is stored as `_` and mapped back on read.
 * Authenticates with Entra ID (a token credential on the account's Blob endpoint: storage accounts
 * with shared keys off accept nothing else) or, locally and against Azurite, a connection string.
 * Versions are blob versions (blob versioning on the account): a deleted blob's last version stays
 * as a previous version; Azure records no deletion time unless soft delete is on (`deletedOn`), so
 * `listVersions` reports a deletion only then.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { createHash } from "node:crypto";
import { orderVersions, type ObjectStore, type ObjectVersion } from "./objectStore";
import type { AzureCredential } from "../azure/tokens";
import { contentTypeOf } from "../naming";

function status(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

export class AzureBlobObjectStore implements ObjectStore {
  private readonly container: ContainerClient;

  /**
   * `account`: the Blob endpoint (`https://<account>.blob.core.windows.net`) and an Entra ID token
   * credential (DefaultAzureCredential); or a connection string (AZURE_STORAGE_CONNECTION_STRING,
   * the local and emulator path).
   */
  constructor(account: string | { url: string; credential: AzureCredential }, container: string) {
    const service =
      typeof account === "string"
        ? BlobServiceClient.fromConnectionString(account)
        : new BlobServiceClient(account.url, account.credential);
    this.container = service.getContainerClient(container);
  }

  async putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>) {
    const blob = this.container.getBlockBlobClient(key);
    try {
      await blob.upload(body, body.length, {
        conditions: { ifNoneMatch: "*" },
        metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.replace(/-/g, "_"), v])),
        blobHTTPHeaders: {
          blobContentType: contentTypeOf(key),
          blobContentMD5: createHash("md5").update(body).digest(),
        },
      });
      return "created" as const;
    } catch (err) {
      const s = status(err);
      if (s === 409 || s === 412) return "exists" as const;
      throw err;
    }
  }

  private blob(key: string, versionId?: string) {
    const b = this.container.getBlockBlobClient(key);
    return versionId ? b.withVersion(versionId) : b;
  }

  async head(key: string, versionId?: string) {
    try {
      const p = await this.blob(key, versionId).getProperties();
      return Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k.replace(/_/g, "-"), v]));
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  get(key: string, versionId?: string) {
    return this.blob(key, versionId).downloadToBuffer();
  }

  async delete(key: string): Promise<void> {
    await this.container.getBlockBlobClient(key).deleteIfExists();
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    for await (const b of this.container.listBlobsFlat({
      prefix,
      includeVersions: true,
      includeDeleted: true,
    })) {
      if (b.deleted) {
        if (b.properties.deletedOn) {
          out.push({
            key: b.name,
            versionId: `deleted-${b.properties.deletedOn.toISOString()}`,
            lastModified: b.properties.deletedOn,
            deleted: true,
            latest: true,
          });
        }
        continue;
      }
      out.push({
        key: b.name,
        // An account without versioning lists no version ids: the live blob is the only version.
        versionId: b.versionId ?? "",
        lastModified: b.properties.lastModified,
        deleted: false,
        latest: b.versionId === undefined || b.isCurrentVersion === true,
      });
    }
    return orderVersions(out);
  }

  async list(prefix: string) {
    const keys: string[] = [];
    for await (const b of this.container.listBlobsFlat({ prefix })) keys.push(b.name);
    return keys.sort();
  }
}
