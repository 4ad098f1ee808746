import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * How a team's own Pulumi program consumes Seawall: `npm pack` builds `dist/` (prepack) and the
 * package's exports map `seawall/components/...` to the built modules and their declarations, for
 * Node's require and for TypeScript under both the node10 and node16 module resolutions.
 */

jest.setTimeout(180000);

const root = path.resolve(__dirname, "..");
const componentSources = (dir: string): string[] =>
  fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? componentSources(path.join(dir, e.name))
        : e.name.endsWith(".ts")
          ? [path.join(dir, e.name)]
          : [],
    );

let consumer: string;
beforeAll(() => {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "pipe",
  });
  // A team's project with Seawall installed (linked, as `npm install <tarball>` would place it).
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), "seawall-consumer-"));
  fs.mkdirSync(path.join(consumer, "node_modules"));
  fs.symlinkSync(root, path.join(consumer, "node_modules", "seawall"), "dir");
});
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

describe("the seawall package", () => {
  it("builds every component module with its declarations", () => {
    const sources = componentSources("components");
    expect(sources).toContain(path.join("components", "aws", "objectStore.ts"));
    const missing = sources.flatMap((src) =>
      [".js", ".d.ts"]
        .map((ext) => path.join("dist", src.replace(/\.ts$/, ext)))
        .filter((built) => !fs.existsSync(path.join(root, built))),
    );
    expect(missing).toEqual([]);
  });

  it("resolves seawall/components/... to the built modules for Node, and nothing else", () => {
    // Node itself, in the team's project: not Jest's resolver.
    const node = (code: string) =>
      execFileSync(process.execPath, ["-e", code], { cwd: consumer, encoding: "utf8", stdio: "pipe" }).trim();
    const probe = (id: string) =>
      `try { const m = require(${JSON.stringify(id)}); console.log(require("fs").realpathSync(require.resolve(${JSON.stringify(id)})), typeof m.ObjectStore) } catch (e) { console.log(e.code) }`;
    expect(node(probe("seawall/components/aws/objectStore"))).toBe(
      `${path.join(root, "dist", "components", "aws", "objectStore.js")} function`,
    );
    expect(node(probe("seawall/scripts/plan"))).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it.each([
    ["node10 (typesVersions)", ts.ModuleResolutionKind.Node10],
    ["node16 (exports)", ts.ModuleResolutionKind.Node16],
  ])("gives TypeScript the declarations under %s resolution", (_label, moduleResolution) => {
    const options: ts.CompilerOptions = {
      moduleResolution,
      module:
        moduleResolution === ts.ModuleResolutionKind.Node16 ? ts.ModuleKind.Node16 : ts.ModuleKind.CommonJS,
    };
    const { resolvedModule } = ts.resolveModuleName(
      "seawall/components/aws/network",
      path.join(consumer, "index.ts"),
      options,
      ts.sys,
    );
    expect(fs.realpathSync(resolvedModule!.resolvedFileName)).toBe(
      path.join(root, "dist", "components", "aws", "network.d.ts"),
    );
  });
});
