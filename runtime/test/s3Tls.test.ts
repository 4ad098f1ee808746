/**
 * An S3-compatible endpoint behind a private CA (SeaweedFS's gateway with cert-manager's CA on the
 * `kubernetes` target): with LAKE_CA_CERT the store trusts it and writes; without, the TLS handshake
 * fails on the unknown issuer. s3rver serves HTTPS with a certificate for `localhost` signed by a CA
 * the test makes with openssl.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWorkerEnv } from "../src/config";
import { createObjectStore } from "../src/store";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (o: object) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

jest.setTimeout(60000);

const dir = mkdtempSync(join(tmpdir(), "seawall-s3tls-"));
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
let server: InstanceType<typeof S3rver>;
let endpoint: string;
let ca: string;

beforeAll(async () => {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=Seawall test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "tls.key",
    "-out",
    "tls.csr",
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "tls.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "san.ext",
    "-out",
    "tls.crt",
  );
  ca = readFileSync(join(dir, "ca.crt"), "utf8");
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "data"),
    key: readFileSync(join(dir, "tls.key")),
    cert: readFileSync(join(dir, "tls.crt")),
    configureBuckets: [{ name: "lake" }],
  });
  endpoint = `https://localhost:${(await server.run()).port}`;
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  KAFKA_BOOTSTRAP_SERVERS: "unused.invalid:9092",
  KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
  REDIS_HOST: "127.0.0.1",
  REDIS_TLS: "false",
  LAKE_SCHEME: "s3",
  LAKE_BUCKET: "lake",
  LAKE_REGION: "us-east-1",
  LAKE_ENDPOINT: endpoint,
  ...extra,
});

describe("an S3-compatible endpoint behind a private CA", () => {
  it("writes and reads with LAKE_CA_CERT", async () => {
    const store = await createObjectStore(parseWorkerEnv(env({ LAKE_CA_CERT: ca })));
    expect(await store.putIfAbsent("t/a.txt", Buffer.from("hello"), { records: "1" })).toBe("created");
    expect((await store.get("t/a.txt")).toString()).toBe("hello");
  });

  it("refuses the endpoint's certificate without it", async () => {
    const store = await createObjectStore(parseWorkerEnv(env()));
    await expect(store.head("t/a.txt")).rejects.toThrow(/certificate|self[- ]signed|issuer/i);
  });

  it("names LAKE_CA_CERT when it is set for a lake that is not S3", () => {
    expect(() =>
      parseWorkerEnv({ ...env({ LAKE_CA_CERT: ca }), LAKE_SCHEME: "file", LAKE_BUCKET: dir }),
    ).toThrow(/LAKE_CA_CERT: set with LAKE_SCHEME=file/);
  });
});
