/**
 * The pack installs on its own: `policies/` is a package of its own (not a workspace of the root),
 * whose code imports only what its package.json lists, and whose `npm pack` (what
 * `pulumi policy publish` uploads) holds the pack's files and nothing else. So
 * `pulumi install`/`npm install` in policies/ and `pulumi preview --policy-pack policies` never pull
 * the cloud SDKs, the runtime or its native Kafka build.
 *
 * The real install from the registry (pack, `npm install` into a temporary directory, load it with
 * `@pulumi/pulumi/cmd/run-policy-pack` and list its policies over gRPC) needs the network:
 * `SEAWALL_PACK_INSTALL=1 npx jest test/policies/standalone.test.ts`.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { isBuiltin } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const PACK = path.join(ROOT, "policies");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const packJson = readJson(path.join(PACK, "package.json"));

/** Every module specifier a TypeScript file names: imports, re-exports, `require`, `import()`. */
export function moduleSpecifiers(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push(node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      const callee = node.expression.getText(file);
      if (
        node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        callee === "require" ||
        callee === "require.resolve"
      ) {
        found.push(node.arguments[0].text);
      }
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The package a bare specifier names: `@pulumi/policy/proxy` → `@pulumi/policy`. */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/**
 * What is wrong with one specifier of `file` (a file under `packDir`), or undefined: it must be
 * relative and stay inside the pack, a `node:` builtin, or a package the pack depends on.
 */
export function importProblem(
  packDir: string,
  file: string,
  specifier: string,
  dependencies: Record<string, string>,
): string | undefined {
  const where = `${path.relative(packDir, file)} imports "${specifier}"`;
  if (specifier.startsWith(".")) {
    const target = path.resolve(path.dirname(file), specifier);
    if (target === packDir || target.startsWith(packDir + path.sep)) return undefined;
    return `${where}, outside policies/: the pack must judge any program and install alone; import nothing of Seawall's`;
  }
  if (specifier.startsWith("node:")) {
    return isBuiltin(specifier) ? undefined : `${where}, which is not a Node builtin`;
  }
  if (isBuiltin(specifier)) return `${where}: write "node:${specifier}"`;
  const pkg = packageOf(specifier);
  if (pkg in dependencies) return undefined;
  return `${where}, but "${pkg}" is not a dependency in policies/package.json: add it there (exact version) or do without it`;
}

/** Every .ts file of the pack, node_modules left out. */
function packSources(dir: string = PACK): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : packSources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** The files `index.ts` loads, directly or not (relative imports resolved as TypeScript does). */
function reachableFrom(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const s of moduleSpecifiers(file, fs.readFileSync(file, "utf8"))) {
      if (!s.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), s);
      const target = [base, `${base}.ts`, path.join(base, "index.ts")].find(
        (c) => fs.existsSync(c) && fs.statSync(c).isFile(),
      );
      if (!target) throw new Error(`${path.relative(PACK, file)} imports "${s}", which does not exist`);
      queue.push(target);
    }
  }
  return [...seen].map((f) => path.relative(PACK, f).split(path.sep).join("/"));
}

describe("the pack's imports", () => {
  it("flags a cloud SDK, a module of Seawall's outside policies/, an unprefixed builtin and an undeclared package", () => {
    const file = path.join(PACK, "rules", "aws", "x.ts");
    const source = [
      'import * as aws from "@pulumi/aws";',
      'import { ObjectStore } from "../../../components/aws/objectStore";',
      'import { helper } from "../../lib/rule";',
      'import * as fs from "fs";',
      'import { z } from "zod";',
      'import type { PolicyPack } from "@pulumi/policy";',
      'const p = require("node:path");',
      'export type T = import("yaml").Document;',
      'export * from "@pulumi/policy/proxy";',
    ].join("\n");
    const deps = { "@pulumi/policy": "1.21.0" };
    const problems = moduleSpecifiers(file, source)
      .map((s) => importProblem(PACK, file, s, deps))
      .filter((p) => p !== undefined);
    expect(problems).toEqual([
      'rules/aws/x.ts imports "@pulumi/aws", but "@pulumi/aws" is not a dependency in policies/package.json: add it there (exact version) or do without it',
      'rules/aws/x.ts imports "../../../components/aws/objectStore", outside policies/: the pack must judge any program and install alone; import nothing of Seawall\'s',
      'rules/aws/x.ts imports "fs": write "node:fs"',
      'rules/aws/x.ts imports "zod", but "zod" is not a dependency in policies/package.json: add it there (exact version) or do without it',
      'rules/aws/x.ts imports "yaml", but "yaml" is not a dependency in policies/package.json: add it there (exact version) or do without it',
    ]);
  });

  it("are, in every .ts file under policies/, relative within it, node: builtins or the pack's dependencies", () => {
    const files = packSources();
    expect(files).toContain(path.join(PACK, "index.ts"));
    const problems = files.flatMap((file) =>
      moduleSpecifiers(file, fs.readFileSync(file, "utf8"))
        .map((s) => importProblem(PACK, file, s, packJson.dependencies))
        .filter((p) => p !== undefined),
    );
    expect(problems).toEqual([]);
  });
});

describe("the pack's package", () => {
  it("depends on the policy SDK and, for the CLI's ts-node, on typescript and the Node types its tsconfig names", () => {
    // Pulumi's run-policy-pack registers ts-node with type-checking on; without `typescript` beside
    // @pulumi/pulumi it falls back to a vendored TypeScript 3.8.3, which rejects `target: ES2022`.
    expect(packJson.dependencies).toEqual({
      "@pulumi/policy": "1.21.0",
      "@pulumi/pulumi": "3.248.0",
      "@types/node": "20.19.25",
      typescript: "5.9.3",
    });
    const tsconfig = ts.parseConfigFileTextToJson(
      "tsconfig.json",
      fs.readFileSync(path.join(PACK, "tsconfig.json"), "utf8"),
    ).config;
    for (const t of tsconfig.compilerOptions.types ?? [])
      expect(packJson.dependencies).toHaveProperty(`@types/${t}`);
    expect(packJson.devDependencies).toBeUndefined();
  });

  it("pins the same versions as the root, so the pack checks offline what it enforces in the CLI", () => {
    const root = readJson(path.join(ROOT, "package.json"));
    const rootVersions = { ...root.dependencies, ...root.devDependencies };
    for (const [name, version] of Object.entries(packJson.dependencies))
      expect([name, rootVersions[name]]).toEqual([name, version]);
  });

  it("is not a workspace of the root, so an install in policies/ (npm or `pulumi install`) installs the pack alone", () => {
    // npm and Pulumi's language host both treat a directory a workspace pattern matches as part of
    // the root's install. Literal patterns keep this check exact.
    const root = readJson(path.join(ROOT, "package.json"));
    const workspaces: string[] = root.workspaces ?? [];
    expect(workspaces.filter((w) => /[*?[{]/.test(w))).toEqual([]);
    expect(workspaces.map((w) => path.normalize(w).replace(/[\\/]+$/, ""))).not.toContain("policies");
    const lock = readJson(path.join(ROOT, "package-lock.json"));
    expect(lock.packages).not.toHaveProperty("policies");
    expect(lock.packages).not.toHaveProperty("node_modules/@seawall/policies");
    // The root still runs the pack offline (policy:check, the tests): it depends on the SDK itself.
    expect(root.dependencies["@pulumi/policy"]).toBe(packJson.dependencies["@pulumi/policy"]);
  });

  it("has its own lock file, in step with its package.json", () => {
    const lock = readJson(path.join(PACK, "package-lock.json"));
    expect(lock.name).toBe(packJson.name);
    expect(lock.packages[""].dependencies).toEqual(packJson.dependencies);
    for (const name of [
      "@pulumi/aws",
      "@pulumi/gcp",
      "@pulumi/azure-native",
      "@pulumi/kubernetes",
      "@confluentinc/kafka-javascript",
    ]) {
      expect(lock.packages).not.toHaveProperty(`node_modules/${name}`);
    }
    for (const [name, version] of Object.entries(packJson.dependencies)) {
      expect([name, lock.packages[`node_modules/${name}`]?.version]).toEqual([name, version]);
    }
  });

  it("packs every file index.ts loads, its configs and metadata, and no maintainers' scripts", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], {
      cwd: PACK,
      encoding: "utf8",
    });
    const [packed] = JSON.parse(out) as { name: string; files: { path: string }[] }[];
    expect(packed.name).toBe("@seawall/policies");
    const files = packed.files.map((f) => f.path).sort();
    const reachable = reachableFrom(path.join(PACK, "index.ts"));
    expect(reachable.filter((f) => !files.includes(f))).toEqual([]);
    const configs = fs.readdirSync(path.join(PACK, "config")).map((f) => `config/${f}`);
    expect(configs).toContain("config/prod.json");
    for (const f of [
      ...configs,
      "PulumiPolicy.yaml",
      "package.json",
      "tsconfig.json",
      "README.md",
      "RULES.md",
    ]) {
      expect(files).toContain(f);
    }
    const unexpected = files.filter(
      (f) =>
        f.startsWith("scripts/") ||
        f.includes("node_modules/") ||
        f === "package-lock.json" ||
        !/\.(ts|json|yaml|md)$/.test(f),
    );
    expect(unexpected).toEqual([]);
  });
});

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- the installed pack's own untyped gRPC modules */
const installIt = process.env.SEAWALL_PACK_INSTALL === "1" ? it : it.skip;

describe("the packed pack, installed from the registry into an empty directory", () => {
  let dir: string;
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  installIt(
    "installs only its dependencies and serves every policy through Pulumi's policy-pack host",
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "seawall-pack-"));
      const tarball = execFileSync("npm", ["pack", "--pack-destination", dir, "--loglevel=error"], {
        cwd: PACK,
        encoding: "utf8",
      }).trim();
      const packDir = path.join(dir, "pack");
      fs.mkdirSync(packDir);
      execFileSync("tar", ["xzf", path.join(dir, tarball), "-C", packDir, "--strip-components=1"]);

      const started = Date.now();
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: packDir,
        stdio: "inherit",
      });
      const seconds = (Date.now() - started) / 1000;
      const size = execFileSync("du", ["-sm", "node_modules"], { cwd: packDir, encoding: "utf8" }).split(
        "\t",
      )[0];
      const count = execFileSync("npm", ["ls", "--all", "--parseable"], { cwd: packDir, encoding: "utf8" })
        .split("\n")
        .filter(Boolean).length;
      console.log(`pack install: ${seconds.toFixed(1)} s, ${size} MB in node_modules, ${count - 1} packages`);

      for (const sdk of ["aws", "gcp", "azure-native", "kubernetes", "random"]) {
        expect(fs.existsSync(path.join(packDir, "node_modules", "@pulumi", sdk))).toBe(false);
      }
      expect(fs.existsSync(path.join(packDir, "node_modules", "@confluentinc"))).toBe(false);
      const pulumiDir = path.join(packDir, "node_modules", "@pulumi", "pulumi");
      // The TypeScript the CLI's ts-node will use: the pack's own, not Pulumi's vendored 3.8.3.
      expect(require.resolve("typescript", { paths: [pulumiDir] })).toBe(
        path.join(packDir, "node_modules", "typescript", "lib", "typescript.js"),
      );

      const runner = path.join(pulumiDir, "cmd", "run-policy-pack", "index.js");
      child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child!.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^(\d+)\s*$/m.exec(out);
          if (m) resolve(m[1]);
        });
        child!.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        child!.on("exit", (code) => reject(new Error(`the installed pack exited with ${code}: ${err}`)));
      });
      const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
      const rpc = require(path.join(pulumiDir, "proto", "analyzer_grpc_pb"));
      const { Empty } = require(
        require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }),
      );
      const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const info: any = await new Promise((resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))),
      );
      client.close();
      expect(info.getName()).toBe("seawall");
      const { allPolicies } = await import("../../policies/policies");
      const served = info
        .getPoliciesList()
        .map((p: any) => p.getName())
        .sort();
      expect(served).toEqual(
        allPolicies()
          .map((p) => p.name)
          .sort(),
      );
    },
    600000,
  );
});
