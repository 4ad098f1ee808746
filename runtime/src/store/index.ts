import { resolve } from "node:path";
import type { WorkerConfig } from "../config";
import { PermanentError } from "../errors";
import { blobServiceUrl, defaultAzureCredential } from "../azure/tokens";
import { FsObjectStore } from "./fsStore";
import type { ObjectStore } from "./objectStore";

export type { ObjectStore } from "./objectStore";

/**
 * The object store for `LAKE_SCHEME`: `file` (LAKE_BUCKET is a directory), `s3` (any S3-compatible
 * endpoint), `gs`, or `abfss` (Azure Blob, see {@link azureBlobAccount}). For `file`, it first
 * sweeps the temporaries of writers that died (see {@link FsObjectStore.sweep}). Only the chosen
 * cloud's SDK is loaded: loading all three cost every worker about 2 s of start-up and its memory.
 */
export async function createObjectStore(
  cfg: Pick<WorkerConfig, "LAKE_SCHEME" | "LAKE_BUCKET" | "LAKE_REGION" | "LAKE_ENDPOINT"> &
    Partial<Pick<WorkerConfig, "LAKE_CA_CERT">>,
  env: Record<string, string | undefined> = process.env,
): Promise<ObjectStore> {
  switch (cfg.LAKE_SCHEME) {
    case "file": {
      // Temporaries of writers that died (SIGKILL) stay beside the objects: clear them at start-up.
      const store = new FsObjectStore(resolve(cfg.LAKE_BUCKET));
      await store.sweep();
      return store;
    }
    case "s3": {
      // Credentials from the default chain: IRSA / instance role / environment.
      const { S3ObjectStore } = await import("./s3Store");
      return new S3ObjectStore({
        bucket: cfg.LAKE_BUCKET,
        region: cfg.LAKE_REGION,
        endpoint: cfg.LAKE_ENDPOINT,
        ...(cfg.LAKE_CA_CERT ? { caCert: cfg.LAKE_CA_CERT } : {}),
      });
    }
    case "gs": {
      const { GcsObjectStore } = await import("./gcsStore");
      return new GcsObjectStore({ bucket: cfg.LAKE_BUCKET, endpoint: cfg.LAKE_ENDPOINT });
    }
    case "abfss": {
      const { container, account } = azureBlobAccount(cfg, env);
      const { AzureBlobObjectStore } = await import("./azureStore");
      return new AzureBlobObjectStore(
        typeof account === "string" ? account : { url: account.url, credential: defaultAzureCredential() },
        container,
      );
    }
    default:
      throw new PermanentError(
        "SEAWALL_LAKE_SCHEME",
        `LAKE_SCHEME=${String(cfg.LAKE_SCHEME)} is not supported`,
      );
  }
}

/**
 * Where an `abfss` lake is and how to reach it. With `AZURE_STORAGE_CONNECTION_STRING` (local runs
 * and Azurite), the connection string and LAKE_BUCKET as the container. Otherwise Entra ID
 * (DefaultAzureCredential) on the account's Blob endpoint, from `LAKE_BUCKET` as the abfss URI's
 * authority, `<container>@<account>[.dfs.core.windows.net]`, or from `LAKE_ENDPOINT`
 * (`https://<account>.blob.core.windows.net`) with LAKE_BUCKET the container.
 */
export function azureBlobAccount(
  cfg: Pick<WorkerConfig, "LAKE_BUCKET" | "LAKE_ENDPOINT">,
  env: Record<string, string | undefined>,
): { container: string; account: string | { url: string } } {
  const conn = env.AZURE_STORAGE_CONNECTION_STRING;
  if (conn) return { container: cfg.LAKE_BUCKET, account: conn };
  const at = /^([a-z0-9-]{3,63})@([a-z0-9]{3,24})(\.dfs\.core\.windows\.net)?$/.exec(cfg.LAKE_BUCKET);
  if (at) {
    if (cfg.LAKE_ENDPOINT) {
      throw new PermanentError(
        "SEAWALL_LAKE_AZURE_AUTH",
        `LAKE_SCHEME=abfss: LAKE_BUCKET ${JSON.stringify(cfg.LAKE_BUCKET)} names the account and LAKE_ENDPOINT names it again; set one`,
      );
    }
    return { container: at[1], account: { url: blobServiceUrl(at[2]) } };
  }
  if (cfg.LAKE_ENDPOINT && !cfg.LAKE_BUCKET.includes("@")) {
    return { container: cfg.LAKE_BUCKET, account: { url: cfg.LAKE_ENDPOINT.replace(/\/+$/, "") } };
  }
  throw new PermanentError(
    "SEAWALL_LAKE_AZURE_AUTH",
    `LAKE_SCHEME=abfss: LAKE_BUCKET ${JSON.stringify(cfg.LAKE_BUCKET)} names no storage account; set it to <container>@<account> ` +
      "(the stack output objectStore.bucket) to authenticate with Entra ID, or mount AZURE_STORAGE_CONNECTION_STRING (local runs and Azurite)",
  );
}
