import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stages } from "../src/config";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

// No Docker engine on these machines: the image's promises are checked on the Dockerfile itself.
const dockerfile = readFileSync(join(__dirname, "..", "Dockerfile"), "utf8");
const lines = dockerfile.split("\n").filter((l) => !l.startsWith("#"));
const instructions = (name: string) => lines.filter((l) => l.startsWith(`${name} `));

describe("runtime/Dockerfile", () => {
  it("is multi-stage on a current Node LTS image, and the final stage takes only the built output", () => {
    expect(instructions("FROM")).toEqual(["FROM ${NODE_IMAGE} AS build", "FROM ${NODE_IMAGE}"]);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)-bookworm-slim$/m);
    expect(instructions("COPY").filter((l) => !l.includes("--from=build")).length).toBeGreaterThan(0);
    const final = dockerfile.slice(dockerfile.lastIndexOf("FROM "));
    expect(final).toContain("COPY --from=build --chown=root:root /out /app");
    expect(final).not.toMatch(/^COPY (?!--from)/m);
  });

  it("installs production dependencies only into the image", () => {
    expect(dockerfile).toMatch(/npm ci [^\n]*--omit=dev[^\n]*-w runtime/);
  });

  it("runs as a non-root user with a health check and the stage as the command", () => {
    const final = dockerfile.slice(dockerfile.lastIndexOf("FROM "));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "--enable-source-maps", "dist\/main.js"\]$/m);
    const cmd = /^CMD \["([a-z-]+)"\]$/m.exec(final);
    expect(stages).toContain(cmd?.[1]);
  });

  it("writes nothing at run time outside /tmp (read-only root filesystem)", () => {
    const final = dockerfile.slice(dockerfile.lastIndexOf("FROM "));
    expect(final).not.toMatch(/^VOLUME/m);
    expect(final).toContain("--read-only");
    expect(dockerfile.slice(0, dockerfile.indexOf("FROM"))).toContain("--read-only --tmpfs /tmp");
  });
});
