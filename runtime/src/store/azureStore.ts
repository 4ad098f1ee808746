/**
 * Azure Blob Storage (the lake's `abfss` scheme: ADLS Gen2 accounts serve the Blob API too), through
 * the official SDK. Create-only with `If-None-Match: *`; 409 BlobAlreadyExists / 412 mean done.
 * Metadata names must be C# identifiers, so `-` is stored as `_` and mapped back on read.
 * Authenticates with Entra ID (a token credential on the account's Blob endpoint: storage accounts
 * with shared keys off accept nothing else) or, locally and against Azurite, a connection string.
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { createHash } from "node:crypto";
import type { ObjectStore } from "./objectStore";
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

  async head(key: string) {
    try {
      const p = await this.container.getBlockBlobClient(key).getProperties();
      return Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k.replace(/_/g, "-"), v]));
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  get(key: string) {
    return this.container.getBlockBlobClient(key).downloadToBuffer();
  }

  async list(prefix: string) {
    const keys: string[] = [];
    for await (const b of this.container.listBlobsFlat({ prefix })) keys.push(b.name);
    return keys.sort();
  }
}
