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

/**
 * A compiler host that parses each file once: the build and the consumer programs below share the
 * provider SDKs' declarations (thousands of files), which dominate the time of either.
 */
const sourceFiles = new Map<string, ts.SourceFile | undefined>();
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    // What the parse depends on: the file, the language version and the module format.
    const { languageVersion: version, impliedNodeFormat } =
      typeof languageVersion === "object"
        ? languageVersion
        : { languageVersion, impliedNodeFormat: undefined };
    const key = `${fileName}|${version}|${impliedNodeFormat}`;
    if (!sourceFiles.has(key))
      sourceFiles.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return sourceFiles.get(key);
  };
  return host;
}

/** `tsc -p tsconfig.build.json`, in process, through {@link cachingHost}. */
function build(): void {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.build.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const program = ts.createProgram(config.fileNames, config.options, cachingHost(config.options));
  const result = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length > 0) {
    throw new Error(
      ts.formatDiagnostics(errors, { ...ts.sys, getCanonicalFileName: (f) => f, getNewLine: () => "\n" }),
    );
  }
}

let consumer: string;
beforeAll(() => {
  build();
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

/**
 * A team that uses one cloud installs one cloud's SDK: the provider SDKs are optional peer
 * dependencies, and the components of one cloud import no other cloud's SDK, in their code or their
 * declarations. The team's project here has every package this repository installs except the GCP,
 * Azure and Kubernetes SDKs, and a copy of the built components (a copy, not a link, so that nothing
 * resolves from this repository's node_modules).
 */
describe("an AWS-only program", () => {
  const OTHER_CLOUDS = ["@pulumi/gcp", "@pulumi/azure-native", "@pulumi/kubernetes"];
  let team: string;

  beforeAll(() => {
    team = fs.mkdtempSync(path.join(os.tmpdir(), "seawall-aws-only-"));
    const modules = path.join(team, "node_modules");
    fs.mkdirSync(modules);
    const link = (name: string) =>
      fs.symlinkSync(path.join(root, "node_modules", name), path.join(modules, name), "dir");
    for (const entry of fs.readdirSync(path.join(root, "node_modules"))) {
      if (entry.startsWith(".") || entry === "seawall") continue;
      if (!entry.startsWith("@")) {
        link(entry);
        continue;
      }
      fs.mkdirSync(path.join(modules, entry));
      for (const pkg of fs.readdirSync(path.join(root, "node_modules", entry))) {
        if (!OTHER_CLOUDS.includes(`${entry}/${pkg}`)) link(`${entry}/${pkg}`);
      }
    }
    const seawall = path.join(modules, "seawall");
    fs.mkdirSync(seawall);
    fs.copyFileSync(path.join(root, "package.json"), path.join(seawall, "package.json"));
    // What `npm pack` packs of dist/: the package's `files` (a folder, or a name ending in `.*`).
    const files = (
      JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] }
    ).files;
    for (const entry of files.filter((f) => f.startsWith("dist/"))) {
      const dir = path.dirname(entry);
      const names = entry.endsWith(".*")
        ? fs.readdirSync(path.join(root, dir)).filter((n) => n.startsWith(`${path.basename(entry, ".*")}.`))
        : [path.basename(entry)];
      for (const n of names) {
        fs.cpSync(path.join(root, dir, n), path.join(seawall, dir, n), { recursive: true });
      }
    }
    // The other entries are source files packed as they are: `<dir>/*.<ext>` globs.
    for (const entry of files.filter((f) => !f.startsWith("dist/") && f.includes("*"))) {
      const dir = path.dirname(entry);
      const ext = path.extname(entry);
      for (const n of fs.readdirSync(path.join(root, dir)).filter((x) => x.endsWith(ext))) {
        fs.mkdirSync(path.join(seawall, dir), { recursive: true });
        fs.copyFileSync(path.join(root, dir, n), path.join(seawall, dir, n));
      }
    }
    fs.writeFileSync(
      path.join(team, "index.ts"),
      [
        'import * as aws from "@pulumi/aws";',
        'import { ObjectStore } from "seawall/components/aws/objectStore";',
        'import { Network } from "seawall/components/aws/network";',
        'import { DataPlatform, PlatformOutputs } from "seawall/components/platform";',
        'const store = new ObjectStore("lake", { replication: { region: "us-west-2" } });',
        'const network = new Network("net", { vpc: { args: { availabilityZones: 2 } } });',
        'const platform = new DataPlatform("p", { cloud: "aws", environment: "dev", owner: "data", region: "us-east-1" });',
        "const outputs: PlatformOutputs = platform.outputs;",
        "export const bucket: aws.s3.Bucket = store.bucket;",
        "export const vpcId = network.vpcId;",
        "export const kafka = outputs.kafka;",
        "",
      ].join("\n"),
    );
  });
  afterAll(() => fs.rmSync(team, { recursive: true, force: true }));

  it("declares the provider SDKs as peers, optional per cloud, and depends on none of them", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const sdks = ["@pulumi/aws", ...OTHER_CLOUDS, "@pulumi/pulumi", "@pulumi/random"];
    expect(Object.keys(pkg.dependencies).filter((d) => sdks.includes(d))).toEqual([]);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...sdks].sort());
    expect(pkg.peerDependenciesMeta).toEqual(
      Object.fromEntries(["@pulumi/aws", ...OTHER_CLOUDS].map((d) => [d, { optional: true }])),
    );
    for (const sdk of sdks) expect(pkg.peerDependencies[sdk]).toBe(`^${pkg.devDependencies[sdk]}`);
  });

  it("type-checks against the built components without the GCP, Azure and Kubernetes SDKs", () => {
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      types: ["node"],
    };
    const program = ts.createProgram([path.join(team, "index.ts")], options, cachingHost(options));
    // The program and the Seawall declarations it reaches: the files in the team's project itself
    // (linked packages resolve to where they really are; the SDKs' declarations are theirs to check).
    const project = fs.realpathSync(team) + path.sep;
    const ours = program.getSourceFiles().filter((f) => path.resolve(f.fileName).startsWith(project));
    const seawallFiles = ours.filter((f) => f.fileName.includes(`node_modules${path.sep}seawall${path.sep}`));
    expect(seawallFiles.map((f) => path.basename(f.fileName))).toEqual(
      expect.arrayContaining(["objectStore.d.ts", "network.d.ts", "platform.d.ts"]),
    );
    const problems = ours
      .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
      .map(
        (d) =>
          `${path.relative(team, d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    expect(problems).toEqual([]);
    expect(program.getSourceFiles().filter((f) => OTHER_CLOUDS.some((c) => f.fileName.includes(c)))).toEqual(
      [],
    );
  });

  it("loads the components in Node, while the other clouds' SDKs are absent", () => {
    const ids = ["seawall/components/platform", "seawall/components/aws/objectStore", ...OTHER_CLOUDS];
    const code = `console.log(JSON.stringify(${JSON.stringify(ids)}.map((id) => { try { require(id); return "ok" } catch (e) { return e.code } })))`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", code], { cwd: team, encoding: "utf8" }));
    expect(loaded).toEqual(["ok", "ok", ...OTHER_CLOUDS.map(() => "MODULE_NOT_FOUND")]);
  });

  it("ships Airflow's DAG files where the built component reads them", () => {
    const code = `const d = require("seawall/components/kubernetes/airflowDags"); console.log(JSON.stringify({ dir: d.AIRFLOW_DAGS_DIR, files: Object.keys(d.readDagFiles()) }))`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", code], { cwd: team, encoding: "utf8" })) as {
      dir: string;
      files: string[];
    };
    expect(out.dir).toBe(
      path.join(fs.realpathSync(team), "node_modules", "seawall", "components", "kubernetes", "airflowDags"),
    );
    expect(out.files).toEqual(
      fs
        .readdirSync(path.join(root, "components", "kubernetes", "airflowDags"))
        .filter((f) => f.endsWith(".py"))
        .sort(),
    );
  });
});
