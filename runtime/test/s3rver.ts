/** s3rver (the S3 emulator the runtime tests use) on loopback with one bucket, and an S3 store on it. */
import { join } from "node:path";
import { S3ObjectStore } from "../src/store/s3Store";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (o: object) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

/** Starts s3rver storing under `dir` with the bucket `lake`; `close` stops both. */
export async function startS3rver(dir: string): Promise<{ store: S3ObjectStore; close(): Promise<void> }> {
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "s3rver"),
    configureBuckets: [{ name: "lake" }],
  });
  const { port } = await server.run();
  const store = new S3ObjectStore({
    bucket: "lake",
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    store,
    async close() {
      store.destroy();
      await server.close();
    },
  };
}
