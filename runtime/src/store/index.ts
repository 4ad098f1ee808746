import { resolve } from "node:path";
import type { WorkerConfig } from "../config";
import { PermanentError } from "../errors";
import { FsObjectStore } from "./fsStore";
import { AzureBlobObjectStore } from "./azureStore";
import { GcsObjectStore } from "./gcsStore";
import { S3ObjectStore } from "./s3Store";
import type { ObjectStore } from "./objectStore";

export type { ObjectStore } from "./objectStore";

/**
 * The object store for `LAKE_SCHEME`: `file` (LAKE_BUCKET is a directory), `s3` (any S3-compatible
 * endpoint), `gs`, or `abfss` (Azure Blob; AZURE_STORAGE_CONNECTION_STRING). For `file`, it first
 * sweeps the temporaries of writers that died (see {@link FsObjectStore.sweep}).
 */
export async function createObjectStore(
  cfg: Pick<WorkerConfig, "LAKE_SCHEME" | "LAKE_BUCKET" | "LAKE_REGION" | "LAKE_ENDPOINT">,
  env: Record<string, string | undefined> = process.env,
): Promise<ObjectStore> {
  switch (cfg.LAKE_SCHEME) {
    case "file": {
      // Temporaries of writers that died (SIGKILL) stay beside the objects: clear them at start-up.
      const store = new FsObjectStore(resolve(cfg.LAKE_BUCKET));
      await store.sweep();
      return store;
    }
    case "s3":
      // Credentials from the default chain: IRSA / instance role / environment.
      return new S3ObjectStore({
        bucket: cfg.LAKE_BUCKET,
        region: cfg.LAKE_REGION,
        endpoint: cfg.LAKE_ENDPOINT,
      });
    case "gs":
      return new GcsObjectStore({ bucket: cfg.LAKE_BUCKET, endpoint: cfg.LAKE_ENDPOINT });
    case "abfss": {
      const conn = env.AZURE_STORAGE_CONNECTION_STRING;
      if (!conn) {
        throw new PermanentError(
          "SEAWALL_LAKE_AZURE_AUTH",
          "LAKE_SCHEME=abfss: AZURE_STORAGE_CONNECTION_STRING is missing; mount the storage account's connection string secret",
        );
      }
      return new AzureBlobObjectStore(conn, cfg.LAKE_BUCKET);
    }
    default:
      throw new PermanentError(
        "SEAWALL_LAKE_SCHEME",
        `LAKE_SCHEME=${String(cfg.LAKE_SCHEME)} is not supported`,
      );
  }
}
