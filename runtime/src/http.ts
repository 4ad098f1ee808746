import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** `/metrics`, `/healthz` (the process is alive), `/readyz` (its clients are connected), and extra routes. */
export async function startHttp(o: {
  host: string;
  port: number;
  registry: Registry;
  ready: () => boolean;
  routes?: Route;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: err.message }));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/metrics") {
      const text = await o.registry.metrics();
      res.writeHead(200, { "content-type": o.registry.contentType });
      res.end(text);
    } else if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
    } else if (req.url === "/readyz") {
      const ok = o.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
      res.end(ok ? "ready\n" : "not ready\n");
    } else if (!(o.routes && (await o.routes(req, res)))) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not found" }));
    }
  };
  server.keepAliveTimeout = 65000;
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
