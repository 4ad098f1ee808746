/**
 * A minimal Google Cloud Storage JSON-API server for tests: the requests @google-cloud/storage makes
 * for a multipart upload with ifGenerationMatch, object metadata, media download, listing, and a
 * versioned bucket's delete, `versions=true` listing and `generation` reads (every bucket is versioned). No
 * GCS emulator installs from npm or Debian here, so this speaks the wire protocol the client uses.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

interface Obj {
  data: Buffer;
  metadata: Record<string, string>;
  generation: number;
  contentType: string;
  timeCreated: string;
  /** Set when the generation became noncurrent (deleted). */
  timeDeleted?: string;
}

export async function startGcsEmulator(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const buckets = new Map<string, Map<string, Obj>>();
  let generation = 1;
  /** Noncurrent generations per bucket, in the order they were deleted. */
  const history = new Map<string, Array<[string, Obj]>>();
  const noncurrent = (name: string) => {
    if (!history.has(name)) history.set(name, []);
    return history.get(name)!;
  };
  const bucket = (name: string) => {
    if (!buckets.has(name)) buckets.set(name, new Map());
    return buckets.get(name)!;
  };
  const resource = (b: string, name: string, o: Obj) => ({
    kind: "storage#object",
    bucket: b,
    name,
    generation: String(o.generation),
    size: String(o.data.length),
    contentType: o.contentType,
    md5Hash: createHash("md5").update(o.data).digest("base64"),
    metadata: o.metadata,
    timeCreated: o.timeCreated,
    updated: o.timeCreated,
    ...(o.timeDeleted ? { timeDeleted: o.timeDeleted } : {}),
  });
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const error = (code: number, message: string) =>
      json(code, { error: { code, message, errors: [{ message }] } });
    const body = await read(req);
    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (req.method === "POST" && m) {
      const [meta, data] = multipart(body, String(req.headers["content-type"]));
      const name = url.searchParams.get("name") ?? (meta.name as string);
      const objects = bucket(m[1]);
      if (url.searchParams.get("ifGenerationMatch") === "0" && objects.has(name)) {
        return error(412, "At least one of the pre-conditions you specified did not hold.");
      }
      const o = {
        data,
        metadata: (meta.metadata as Record<string, string>) ?? {},
        generation: generation++,
        contentType: (meta.contentType as string) ?? "application/octet-stream",
        timeCreated: new Date().toISOString(),
      };
      objects.set(name, o);
      return json(200, resource(m[1], name, o));
    }
    m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && m) {
      const name = decodeURIComponent(m[2]);
      const gen = url.searchParams.get("generation");
      const live = bucket(m[1]).get(name);
      const o =
        gen === null || String(live?.generation) === gen
          ? live
          : noncurrent(m[1]).find(([n, x]) => n === name && String(x.generation) === gen)?.[1];
      if (!o) return error(404, `No such object: ${m[1]}/${name}`);
      if (url.searchParams.get("alt") === "media") {
        res.writeHead(200, { "content-type": o.contentType, "content-length": o.data.length });
        return res.end(o.data);
      }
      return json(200, resource(m[1], name, o));
    }
    m = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    if (req.method === "DELETE" && m) {
      const name = decodeURIComponent(m[2]);
      const o = bucket(m[1]).get(name);
      if (!o) return error(404, `No such object: ${m[1]}/${name}`);
      bucket(m[1]).delete(name);
      noncurrent(m[1]).push([name, { ...o, timeDeleted: new Date().toISOString() }]);
      res.writeHead(204);
      return res.end();
    }
    m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (req.method === "GET" && m) {
      const prefix = url.searchParams.get("prefix") ?? "";
      const versions = url.searchParams.get("versions") === "true" ? noncurrent(m[1]) : [];
      const items = [...bucket(m[1]), ...versions]
        .filter(([n]) => n.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([n, o]) => resource(m![1], n, o));
      return json(200, { kind: "storage#objects", items });
    }
    error(400, `unsupported: ${req.method} ${url.pathname}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** multipart/related: a JSON metadata part, then the media part. */
function multipart(body: Buffer, contentType: string): [Record<string, unknown>, Buffer] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const parts: Buffer[] = [];
  const delim = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    const next = body.indexOf(delim, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) parts.push(part.subarray(headerEnd + 4, part.length - 2));
    at = next;
  }
  return [JSON.parse(parts[0].toString("utf8")), parts[1]];
}
