import { resolve } from "node:path";
import type { WorkerConfig } from "../config";
import { PermanentError } from "../errors";
import { FsObjectStore } from "./fsStore";
import { S3ObjectStore } from "./s3Store";
import type { ObjectStore } from "./objectStore";

export type { ObjectStore } from "./objectStore";

/** The object store for `LAKE_SCHEME`: `file` (LAKE_BUCKET is a directory) or `s3` (any S3-compatible endpoint). */
export async function createObjectStore(
  cfg: Pick<WorkerConfig, "LAKE_SCHEME" | "LAKE_BUCKET" | "LAKE_REGION" | "LAKE_ENDPOINT">,
): Promise<ObjectStore> {
  switch (cfg.LAKE_SCHEME) {
    case "file":
      return new FsObjectStore(resolve(cfg.LAKE_BUCKET));
    case "s3":
      // Credentials from the default chain: IRSA / instance role / environment.
      return new S3ObjectStore({
        bucket: cfg.LAKE_BUCKET,
        region: cfg.LAKE_REGION,
        endpoint: cfg.LAKE_ENDPOINT,
      });
    default:
      throw new PermanentError(
        "SEAWALL_LAKE_SCHEME",
        `LAKE_SCHEME=${cfg.LAKE_SCHEME} is not available in this build; use "s3" or "file"`,
      );
  }
}
