/**
 * TLS to a feature store whose certificate is signed by a private CA (Memorystore's per-instance
 * CA): a real redis-server with TLS, certificates made by openssl for this file. The worker trusts
 * the server only through REDIS_CA_CERT.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWorkerEnv, workerEnvFromContracts } from "../src/config";
import { connectRedis } from "../src/redis";
import { freePort, waitForPort } from "../src/services/local";

let dir: string;
let server: ChildProcess;
let port: number;
let ca: string;

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "seawall-redis-tls-"));
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=seawall test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
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
    "server.crt",
  );
  ca = readFileSync(join(dir, "ca.crt"), "utf8");
  port = await freePort();
  server = spawn(
    "redis-server",
    [
      "--port",
      "0",
      "--tls-port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--tls-cert-file",
      join(dir, "server.crt"),
      "--tls-key-file",
      join(dir, "server.key"),
      "--tls-ca-cert-file",
      join(dir, "ca.crt"),
      "--tls-auth-clients",
      "no",
      "--loglevel",
      "warning",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await waitForPort(port, 10000);
}, 30000);

afterAll(() => {
  server?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const base = { REDIS_HOST: "127.0.0.1", REDIS_TLS: true, REDIS_AUTH: undefined, CALL_TIMEOUT_MS: 3000 };

describe("Redis over TLS with a private CA", () => {
  it("connects when the server is verified against REDIS_CA_CERT", async () => {
    const client = await connectRedis({ ...base, REDIS_PORT: port, REDIS_CA_CERT: ca });
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.destroy();
    }
  });

  it("fails at start-up with the fix when no CA is given, instead of retrying for ever", async () => {
    await expect(connectRedis({ ...base, REDIS_PORT: port })).rejects.toThrow(
      /^REDIS_TLS: the server's certificate cannot be verified \(SELF_SIGNED_CERT_IN_CHAIN: .*\); set REDIS_CA_CERT to the PEM CA that signs it/,
    );
  });

  it("carries the contract's caCert into the worker's environment and refuses it without TLS", () => {
    const env = workerEnvFromContracts({
      kafka: { bootstrapServers: "b:9092", securityProtocol: "SSL" },
      redis: { host: "10.0.0.5", port: 6379, tls: true, caCert: ca },
      lake: { scheme: "gs", bucket: "lake", prefix: "", region: "europe-west1" },
    });
    expect(env.REDIS_CA_CERT).toBe(ca);
    expect(parseWorkerEnv(env).REDIS_CA_CERT).toBe(ca);
    expect(() => parseWorkerEnv({ ...env, REDIS_TLS: "false" })).toThrow(
      "REDIS_CA_CERT: set with REDIS_TLS=false; set REDIS_TLS=true or remove the CA",
    );
  });
});
