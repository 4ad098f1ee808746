import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stages } from "../src/config";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

/** One Dockerfile instruction: its keyword (upper case), its arguments on one line, its first line. */
interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/**
 * Dockerfile instructions as BuildKit reads them: comment lines (`#` first, after any blanks) are
 * skipped, also inside a continuation; a line ending in the escape character (`\`, or the one the
 * `# escape=` directive names) continues on the next. Heredocs are not used in runtime/Dockerfile.
 */
function parseDockerfile(text: string): Instruction[] {
  const escape = /^#\s*escape\s*=\s*(\S)\s*$/m.exec(text.split(/\n(?!#)/)[0])?.[1] ?? "\\";
  const out: Instruction[] = [];
  let current: { parts: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && !current)) return;
    const continues = line.endsWith(escape);
    const body = continues ? line.slice(0, -1).trim() : line;
    if (current) current.parts.push(body);
    else current = { parts: [body], line: i + 1 };
    if (!continues) {
      const joined = current.parts.filter(Boolean).join(" ");
      const [keyword] = joined.split(/\s/, 1);
      out.push({
        keyword: keyword.toUpperCase(),
        args: joined.slice(keyword.length).trim(),
        line: current.line,
      });
      current = undefined;
    }
  });
  return out;
}

/**
 * What the image promises, checked on the Dockerfile's instructions (never on its comments), as a
 * list of problems: empty when every promise holds.
 */
function imageProblems(text: string): string[] {
  const all = parseDockerfile(text);
  const problems: string[] = [];
  const froms = all.filter((i) => i.keyword === "FROM");
  if (
    JSON.stringify(froms.map((i) => i.args)) !== JSON.stringify(["${NODE_IMAGE} AS build", "${NODE_IMAGE}"])
  )
    problems.push(
      `FROM: want "\${NODE_IMAGE} AS build" then "\${NODE_IMAGE}", got ${JSON.stringify(froms.map((i) => i.args))}`,
    );
  const firstFrom = all.findIndex((i) => i.keyword === "FROM");
  const globalArgs = all.slice(0, firstFrom).filter((i) => i.keyword === "ARG");
  if (!globalArgs.some((i) => /^NODE_IMAGE=node:(22|24)-bookworm-slim$/.test(i.args)))
    problems.push("ARG NODE_IMAGE: want a current Node LTS bookworm-slim image before the first FROM");
  const lastFrom = all.map((i) => i.keyword).lastIndexOf("FROM");
  const build = all.slice(firstFrom, lastFrom);
  const final = all.slice(lastFrom);
  const of = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword);

  if (of(build, "COPY").length === 0) problems.push("build stage: no COPY of the sources");
  if (!of(build, "RUN").some((i) => /\bnpm ci\b[^&]*--omit=dev[^&]*-w runtime\b/.test(i.args)))
    problems.push("build stage: no `npm ci --omit=dev -w runtime` (production dependencies only)");
  // A dependency the root cannot hoist is installed under runtime/node_modules; without it the
  // image lacks it (or gets the hoisted version another package needed).
  if (!of(build, "RUN").some((i) => /cp -r runtime\/node_modules\/\. \/out\/node_modules\//.test(i.args)))
    problems.push("build stage: the runtime's own nested node_modules are not copied into /out/node_modules");
  const copies = of(final, "COPY");
  if (!copies.some((i) => i.args === "--from=build --chown=root:root /out /app"))
    problems.push("final stage: no `COPY --from=build --chown=root:root /out /app`");
  for (const c of copies.filter((i) => !i.args.startsWith("--from=build")))
    problems.push(
      `final stage, line ${c.line}: COPY ${c.args} takes something other than the build's output`,
    );

  const users = of(final, "USER");
  if (users.at(-1)?.args !== "node")
    problems.push(
      `final stage: the last USER is ${JSON.stringify(users.at(-1)?.args ?? null)}, want "node" (non-root)`,
    );
  const health = of(final, "HEALTHCHECK");
  if (health.length !== 1 || !/\bCMD\b.*\/healthz/.test(health[0].args))
    problems.push("final stage: want one HEALTHCHECK whose CMD calls /healthz");
  const entry = of(final, "ENTRYPOINT");
  if (entry.length !== 1 || entry[0].args !== '["node", "--enable-source-maps", "dist/main.js"]')
    problems.push('final stage: want ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]');
  const cmd = of(final, "CMD");
  const stage = cmd.length === 1 ? /^\["([a-z-]+)"\]$/.exec(cmd[0].args)?.[1] : undefined;
  if (!stage || !(stages as readonly string[]).includes(stage))
    problems.push(`final stage: want one CMD naming a stage (${stages.join(", ")})`);
  // Read-only root filesystem: nothing declared writable, and /app owned by root while running as node.
  if (of(final, "VOLUME").length > 0) problems.push("final stage: VOLUME declares a writable path");
  return problems;
}

// No Docker engine on these machines: the image's promises are checked on the Dockerfile itself.
const dockerfile = readFileSync(join(__dirname, "..", "Dockerfile"), "utf8");

describe("parseDockerfile", () => {
  it("skips comments, also inside a continuation, and joins continued lines", () => {
    const text = [
      "# syntax=docker/dockerfile:1.7",
      "FROM node:24 AS build",
      "RUN apt-get update \\",
      "# a comment inside the continuation",
      "  && apt-get install -y \\",
      "      git",
      "",
      "  # USER root",
      "user node",
    ].join("\n");
    expect(parseDockerfile(text)).toEqual([
      { keyword: "FROM", args: "node:24 AS build", line: 2 },
      { keyword: "RUN", args: "apt-get update && apt-get install -y git", line: 3 },
      { keyword: "USER", args: "node", line: 9 },
    ]);
  });

  it("honours the escape directive", () => {
    expect(parseDockerfile('# escape=`\nRUN a `\n  b\nCMD ["x"]')).toEqual([
      { keyword: "RUN", args: "a b", line: 2 },
      { keyword: "CMD", args: '["x"]', line: 4 },
    ]);
  });
});

describe("runtime/Dockerfile", () => {
  it("keeps every promise of the image: multi-stage on Node LTS, production dependencies only, non-root, health check, the stage as the command", () => {
    expect(imageProblems(dockerfile)).toEqual([]);
  });

  // Each promise must rest on an instruction: the same text in a comment does not keep it.
  const commentOut = (pattern: RegExp) => {
    const lines = dockerfile.split("\n");
    const i = lines.findIndex((l) => pattern.test(l));
    expect(i).toBeGreaterThanOrEqual(0);
    lines[i] = `# ${lines[i]}`;
    return lines.join("\n");
  };

  it.each([
    ["the USER line", /^USER node$/, [/the last USER is null, want "node"/]],
    ["the final COPY", /^COPY --from=build/, [/no `COPY --from=build --chown=root:root \/out \/app`/]],
    ["the ENTRYPOINT", /^ENTRYPOINT /, [/want ENTRYPOINT/]],
    ["the CMD", /^CMD \[/, [/want one CMD naming a stage/]],
    // Its continuation line then reads as a second CMD.
    ["the HEALTHCHECK", /^HEALTHCHECK /, [/want one HEALTHCHECK/, /want one CMD naming a stage/]],
    ["the production install", /&& npm ci .*--omit=dev/, [/no `npm ci --omit=dev -w runtime`/]],
    [
      "the copy of runtime/node_modules",
      /cp -r runtime\/node_modules/,
      [/nested node_modules are not copied/],
    ],
  ])("fails when %s is commented out", (_what, line, problems) => {
    expect(imageProblems(commentOut(line))).toEqual(problems.map((p) => expect.stringMatching(p)));
  });

  it("fails when the final stage runs as root again after USER node", () => {
    const text = dockerfile.replace(/^USER node$/m, "USER node\nUSER root");
    expect(imageProblems(text)).toEqual([expect.stringMatching(/the last USER is "root"/)]);
  });

  it("fails when USER node is only the continuation of a RUN", () => {
    const text = dockerfile.replace(/^USER node$/m, "RUN true \\\nUSER node");
    expect(imageProblems(text)).toEqual([expect.stringMatching(/the last USER is null/)]);
  });

  it("documents the read-only run with a tmpfs on /tmp (a comment: the run flags are not in the image)", () => {
    const header = dockerfile.slice(0, dockerfile.search(/^FROM /m));
    expect(header).toContain("docker run --read-only --tmpfs /tmp");
  });
});
