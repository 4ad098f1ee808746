/**
 * The worker's HTTP server: `/metrics`, `/healthz`, `/readyz` and a stage's own routes.
 *
 * - Routes match the request's parsed pathname (a query string never changes the route); a known
 *   path asked with a method it does not serve answers 405 with `Allow`.
 * - Errors: a route throws an {@link HttpError} for a client error (4xx, with a message naming what
 *   is wrong and the fix) or for load it sheds (503 with `Retry-After`). Any other error is either
 *   a failing dependency (a transient error by `isTransient`: Redis down, breaker open, a timeout),
 *   answered 503 with `Retry-After`, or a bug, answered 500. Neither answer carries the error's
 *   message or stack; both go to `onError`. Every error answer is counted by code.
 * - Connections are bounded: `maxConnections`, header, request and keep-alive timeouts, and a cap on
 *   requests per socket, so idle or slow clients cannot hold memory without limit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Counter, type Registry } from "prom-client";
import { isTransient, SeawallError } from "./errors";

/**
 * A stage's routes: answers and resolves true, or resolves false to let the server answer 404.
 * `pathname` is the request's, when the caller has already parsed it (`pathnameOf(req.url)`).
 */
export type Route = (req: IncomingMessage, res: ServerResponse, pathname?: string) => Promise<boolean>;

/** What a {@link router} returns for a path it does not serve: one settled promise, not one per request. */
const NO_ROUTE: Promise<boolean> = Promise.resolve(false);

/** An error the server answers as is: its status, code, message and headers are meant for the client. */
export class HttpError extends SeawallError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, status >= 500);
  }
}

/** Bounds on connections and requests. */
export interface HttpLimits {
  /** Open connections at once; the server closes any beyond it. @defaultValue 1024 */
  maxConnections: number;
  /** Time for a client to send a request's headers. @defaultValue 10000 */
  headersTimeoutMs: number;
  /** Time for a client to send a whole request. @defaultValue 30000 */
  requestTimeoutMs: number;
  /**
   * Idle time before a keep-alive connection is closed. Behind a load balancer that reuses
   * connections, set it above the balancer's idle timeout (60 s on an AWS ALB). @defaultValue 5000
   */
  keepAliveTimeoutMs: number;
  /** Requests served on one connection before it is closed (0: no limit). @defaultValue 1000 */
  maxRequestsPerSocket: number;
  /** `Retry-After` (seconds) on a 503 for a failing dependency. @defaultValue 1 */
  retryAfterSeconds: number;
}

/** @see HttpLimits for each bound's default. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxConnections: 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1000,
  retryAfterSeconds: 1,
});

/** What `onError` learns about an error besides the error itself. */
export interface HttpErrorContext {
  method: string;
  path: string;
  /** The status answered (0 when the response had already started and the socket was closed). */
  status: number;
  code: string;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  ready: () => boolean;
  routes?: Route;
  /**
   * Called for each error the server did not answer on purpose: a failing dependency (503) or a bug
   * (500). Client errors and shed load are counted, not reported. Log here (rate-limited, e.g.
   * `rateLimitedErrorLog`). @defaultValue none: nothing is printed
   */
  onError?: (err: unknown, ctx: HttpErrorContext) => void;
  /**
   * Error answers and dropped connections, by `code`. @defaultValue `seawall_http_errors_total`
   * in `registry` (created once per registry)
   */
  errors?: Counter<"code">;
  /** @defaultValue {@link DEFAULT_HTTP_LIMITS} */
  limits?: Partial<HttpLimits>;
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** A path's handlers by method. `prefix: true` matches every path that starts with `path`. */
export interface RouteSpec {
  path: string;
  prefix?: boolean;
  methods: Partial<Record<string, (req: IncomingMessage, res: ServerResponse, pathname: string) => unknown>>;
}

/**
 * The pathname of a request target: origin form (`/a?b`) or absolute form (`http://h/a?b`).
 * The path stays percent-encoded; a route decodes its own parameters.
 */
export function pathnameOf(target: string | undefined): string {
  const t = target ?? "/";
  if (t.charCodeAt(0) === 47 /* "/" */) {
    const q = t.indexOf("?");
    const h = t.indexOf("#");
    const end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return end < 0 ? t : t.slice(0, end);
  }
  try {
    return new URL(t).pathname;
  } catch {
    throw new HttpError(
      400,
      "SEAWALL_HTTP_BAD_TARGET",
      `request target ${JSON.stringify(t.slice(0, 200))} is not a path: request /path or http://host/path`,
    );
  }
}

/**
 * Routes on the pathname: a matching path and method runs its handler; a matching path with another
 * method throws 405 with `Allow` (GET also serves HEAD); no matching path returns false.
 */
export function router(specs: RouteSpec[]): Route {
  const exact = new Map(specs.filter((s) => !s.prefix).map((s) => [s.path, s]));
  const prefixes = specs.filter((s) => s.prefix);
  const run = async (spec: RouteSpec, req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const method = req.method ?? "GET";
    const handler = spec.methods[method] ?? (method === "HEAD" ? spec.methods.GET : undefined);
    if (!handler) {
      const allow = Object.keys(spec.methods).flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
      throw new HttpError(
        405,
        "SEAWALL_HTTP_METHOD_NOT_ALLOWED",
        `${method} is not allowed on ${spec.prefix ? `${spec.path}…` : spec.path}: use ${allow.join(" or ")}`,
        { allow: allow.join(", ") },
      );
    }
    await handler(req, res, pathname);
    return true;
  };
  return (req, res, pathname) => {
    let path: string;
    try {
      path = pathname ?? pathnameOf(req.url);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const spec = exact.get(path) ?? prefixes.find((s) => path.startsWith(s.path));
    return spec ? run(spec, req, res, path) : NO_ROUTE;
  };
}

/** Answers JSON with its length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}

/** Answers a JSON text as is, with its length (headers as a flat list: nothing to copy or merge). */
export function sendJsonText(res: ServerResponse, status: number, json: string): true {
  res.writeHead(status, [
    "content-type",
    "application/json",
    "content-length",
    String(Buffer.byteLength(json)),
  ]);
  res.end(json);
  return true;
}

/**
 * Reads a request body of at most `maxBytes`: a larger `content-length` is refused before reading,
 * and a body that grows past the limit (chunked) is refused as soon as it does. Both answer 413
 * with `Connection: close`; what the client still sends is discarded.
 */
export function readBody(req: IncomingMessage, maxBytes: number, hint = ""): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(
      413,
      "SEAWALL_HTTP_BODY_TOO_LARGE",
      `body is over ${maxBytes} bytes${hint ? `: ${hint}` : ""}`,
      { connection: "close" },
    );
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) return void chunks.push(c);
      chunks.length = 0;
      // Keep the stream flowing with no listener: the rest is read and dropped, not buffered.
      req.off("data", onData);
      reject(tooLarge());
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", () =>
      reject(
        new HttpError(400, "SEAWALL_HTTP_CLIENT_ABORTED", "the client closed the request before its end"),
      ),
    );
  });
}

const ERRORS_METRIC = "seawall_http_errors_total";

function errorCounter(registry: Registry): Counter<"code"> {
  const existing = registry.getSingleMetric(ERRORS_METRIC);
  if (existing) return existing as Counter<"code">;
  return new Counter({
    name: ERRORS_METRIC,
    help: "HTTP error answers and dropped connections, by code",
    labelNames: ["code"],
    registers: [registry],
  });
}

/** `/metrics`, `/healthz` (the process is alive), `/readyz` (its clients are connected), and `routes`. */
export async function startHttp(o: HttpServerOptions): Promise<HttpServer> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...o.limits };
  const errors = o.errors ?? errorCounter(o.registry);
  const onError = o.onError ?? (() => undefined);
  const own = router([
    {
      path: "/metrics",
      methods: {
        GET: async (_req, res) => {
          const text = await o.registry.metrics();
          res.writeHead(200, { "content-type": o.registry.contentType });
          res.end(text);
        },
      },
    },
    {
      path: "/healthz",
      methods: {
        GET: (_req, res) => {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("ok\n");
        },
      },
    },
    {
      path: "/readyz",
      methods: {
        GET: (_req, res) => {
          const ok = o.ready();
          res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
          res.end(ok ? "ready\n" : "not ready\n");
        },
      },
    },
  ]);
  const notFound = (pathname: string) =>
    new HttpError(
      404,
      "SEAWALL_HTTP_NOT_FOUND",
      `no route for ${pathname}: see /healthz, /readyz, /metrics and the stage's routes`,
    );
  /** The pathname parsed once; the server's own routes, then the stage's, then 404. */
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = pathnameOf(req.url);
    const mine = own(req, res, pathname);
    if (mine !== NO_ROUTE && (await mine)) return;
    if (o.routes && (await o.routes(req, res, pathname))) return;
    throw notFound(pathname);
  };
  const answerError = (err: unknown, req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "";
    let path = "";
    try {
      path = pathnameOf(req.url);
    } catch {
      path = "(bad target)";
    }
    let status: number;
    let code: string;
    let message: string;
    let headers: Record<string, string> = {};
    if (err instanceof HttpError) {
      ({ status, code, message, headers } = err);
    } else if (isTransient(err)) {
      status = 503;
      code = "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE";
      message = `a dependency (redis, object store) is unavailable: retry after ${limits.retryAfterSeconds} s`;
      headers = { "retry-after": String(limits.retryAfterSeconds) };
    } else {
      status = 500;
      code = "SEAWALL_HTTP_INTERNAL";
      message = "internal error: the server logged it; retrying will not help until it is fixed";
    }
    errors.inc({ code });
    const aborted = req.destroyed && code === "SEAWALL_HTTP_CLIENT_ABORTED";
    if (res.headersSent || res.destroyed || aborted) {
      // Too late for a status: close, so the client sees a cut answer rather than a wrong one.
      res.destroy();
      if (!(err instanceof HttpError)) onError(err, { method, path, status: 0, code });
      return;
    }
    if (!(err instanceof HttpError)) onError(err, { method, path, status, code });
    sendJson(res, status, { error: message, code }, headers);
  };
  // Node checks the header and request timeouts every `connectionsCheckingInterval` (30 s by
  // default): check often enough that the timeouts mean what they say.
  const checkEveryMs = Math.max(250, Math.min(1000, limits.headersTimeoutMs / 4));
  const server = createServer({ connectionsCheckingInterval: checkEveryMs }, (req, res) => {
    handle(req, res).catch((err: unknown) => answerError(err, req, res));
  });
  server.maxConnections = limits.maxConnections;
  // Node wants the headers within the request's time.
  server.headersTimeout =
    limits.requestTimeoutMs > 0
      ? Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
      : limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.on("drop", () => errors.inc({ code: "SEAWALL_HTTP_CONNECTION_DROPPED" }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
