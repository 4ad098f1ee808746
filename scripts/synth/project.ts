import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * A team's Pulumi project as the Pulumi CLI reads it: `Pulumi.yaml` (name, runtime, main,
 * stackConfigDir, project-level config) and a stack's `Pulumi.<stack>.yaml`, turned into what the
 * language host hands the program (`namespace:key` config, the secret keys, the entry point).
 */

/** Bad input about the program: a missing directory or file, a malformed or unsupported project. */
export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}

export interface Project {
  /** The project directory (absolute). */
  dir: string;
  /** `name:` in Pulumi.yaml. */
  name: string;
  /** The file the language host loads. */
  entry: string;
  /** `"type": "module"` in the program's package.json: loaded with `import`, not `require`. */
  esm: boolean;
  /** Where the stack files are (`stackConfigDir`, else the project directory). */
  stackConfigDir: string;
  /** Project-level config (`config:` in Pulumi.yaml): defaults and values for every stack. */
  config: Record<string, unknown>;
}

/** The placeholder a `secure:` config value gets offline. */
export const SECURE_PLACEHOLDER = "[secure value: not decrypted offline]";

export interface StackConfig {
  stack: string;
  /** `namespace:key` to a string, structured values JSON-encoded, as the engine passes them. */
  config: Record<string, string>;
  /** Keys whose values are secrets (each `secure:` value and each project-level `secret: true`). */
  secretKeys: string[];
  /** Keys whose `secure:` values could not be decrypted: the program sees {@link SECURE_PLACEHOLDER}. */
  undecrypted: string[];
}

function readYaml(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ProjectError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new ProjectError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

function readPackageJson(dir: string): Record<string, unknown> {
  const file = path.join(dir, "package.json");
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new ProjectError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The file Node loads for a directory: package.json `main`, else index.js, else index.ts (as Pulumi prefers). */
function entryOfDir(dir: string): string | undefined {
  const main = readPackageJson(dir).main;
  if (typeof main === "string") {
    const file = path.resolve(dir, main);
    for (const candidate of [
      file,
      `${file}.js`,
      `${file}.ts`,
      path.join(file, "index.js"),
      path.join(file, "index.ts"),
    ]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    throw new ProjectError(`the program's package.json names main "${main}", which does not exist in ${dir}`);
  }
  return ["index.js", "index.ts"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/** Reads the project in `dir` (its Pulumi.yaml); throws a {@link ProjectError} naming what is wrong. */
export function readProject(dir: string): Project {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ProjectError(`--program ${dir}: no such directory`);
  }
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) {
    throw new ProjectError(
      `--program ${dir}: there is no Pulumi.yaml; give the directory of a Pulumi project`,
    );
  }
  const doc = readYaml(file, "the project file");
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ProjectError(`${file} must be a mapping with name and runtime`);
  }
  const project = doc as Record<string, unknown>;
  if (typeof project.name !== "string" || project.name === "") {
    throw new ProjectError(`${file}: "name" is missing; it names the project (e.g. name: acme-data)`);
  }
  const runtime = project.runtime;
  const runtimeName =
    typeof runtime === "string"
      ? runtime
      : runtime && typeof runtime === "object"
        ? (runtime as { name?: unknown }).name
        : undefined;
  if (runtimeName !== "nodejs") {
    throw new ProjectError(
      `${file}: runtime ${JSON.stringify(runtimeName ?? null)} is not supported; ` +
        `plan synthesizes nodejs programs (TypeScript or JavaScript), runtime: nodejs`,
    );
  }
  let entry: string | undefined;
  if (project.main !== undefined) {
    if (typeof project.main !== "string") throw new ProjectError(`${file}: "main" must be a path`);
    const main = path.resolve(dir, project.main);
    if (!existsSync(main)) {
      throw new ProjectError(`${file}: main "${project.main}" does not exist in ${dir}`);
    }
    entry = statSync(main).isDirectory() ? entryOfDir(main) : main;
  } else {
    entry = entryOfDir(dir);
  }
  if (!entry) {
    throw new ProjectError(
      `${dir}: no entry point: set main in Pulumi.yaml or package.json, or add index.ts or index.js`,
    );
  }
  const config = project.config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new ProjectError(`${file}: "config" must be a mapping of keys to values`);
  }
  return {
    dir,
    name: project.name,
    entry,
    esm: readPackageJson(path.dirname(entry)).type === "module" || readPackageJson(dir).type === "module",
    stackConfigDir:
      typeof project.stackConfigDir === "string" ? path.resolve(dir, project.stackConfigDir) : dir,
    config: config as Record<string, unknown>,
  };
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project's stack config directory, sorted. */
export function listProjectStacks(project: Project): string[] {
  if (!existsSync(project.stackConfigDir)) return [];
  return readdirSync(project.stackConfigDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The stack to plan: the one asked for, else the only stack file, else `dev` when there is none. */
export function chooseStack(project: Project, stack: string | undefined): string {
  const stacks = listProjectStacks(project);
  if (stack !== undefined) return stack;
  if (stacks.length === 0) return "dev";
  if (stacks.length === 1) return stacks[0];
  throw new ProjectError(`${project.dir} has several stacks (${stacks.join(", ")}): choose one with --stack`);
}

function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

const isSecure = (v: unknown): boolean =>
  !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

/** `value` with each `{ secure: ... }` in it, at any depth, replaced by the placeholder; `found` when there was one. */
function withoutSecure(value: unknown): { value: unknown; found: boolean } {
  if (isSecure(value)) return { value: SECURE_PLACEHOLDER, found: true };
  if (Array.isArray(value)) {
    const items = value.map(withoutSecure);
    return { value: items.map((i) => i.value), found: items.some((i) => i.found) };
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, withoutSecure(v)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])),
      found: entries.some(([, v]) => v.found),
    };
  }
  return { value, found: false };
}

/**
 * The config a stack's program sees: project-level values and defaults from Pulumi.yaml, then the
 * stack file's `config:`. Bare keys are in the project's namespace. `secure:` values need the
 * stack's secrets provider to decrypt, which offline synthesis does not have: they become secrets
 * holding {@link SECURE_PLACEHOLDER}.
 */
export function loadProjectStackConfig(project: Project, stack: string): StackConfig {
  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const undecrypted: string[] = [];
  for (const [key, decl] of Object.entries(project.config)) {
    const k = fullKey(project.name, key);
    if (decl && typeof decl === "object" && !Array.isArray(decl)) {
      const d = decl as Record<string, unknown>;
      const value = "value" in d ? d.value : d.default;
      if (value !== undefined) config[k] = encode(value);
      if (d.secret === true) secretKeys.add(k);
    } else if (decl !== undefined && decl !== null) {
      config[k] = encode(decl);
    }
  }
  const stacks = listProjectStacks(project);
  const file = ["yaml", "yml"]
    .map((ext) => path.join(project.stackConfigDir, `Pulumi.${stack}.${ext}`))
    .find((f) => existsSync(f));
  if (!file) {
    if (stacks.length === 0 && stack === "dev")
      return { stack, config, secretKeys: [...secretKeys], undecrypted };
    throw new ProjectError(
      `unknown stack "${stack}": there is no Pulumi.${stack}.yaml in ${project.stackConfigDir}` +
        (stacks.length > 0 ? `; its stacks: ${stacks.join(", ")}` : ""),
    );
  }
  const doc = (readYaml(file, "the stack file") ?? {}) as { config?: unknown };
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ProjectError(`${file} must be a mapping`);
  const stackConfig = doc.config ?? {};
  if (typeof stackConfig !== "object" || Array.isArray(stackConfig)) {
    throw new ProjectError(`${file}: "config" must be a mapping of keys to values`);
  }
  for (const [key, value] of Object.entries(stackConfig as Record<string, unknown>)) {
    const k = fullKey(project.name, key);
    if (value === null || value === undefined) continue;
    const plain = withoutSecure(value);
    config[k] = encode(plain.value);
    if (plain.found) {
      secretKeys.add(k);
      undecrypted.push(k);
    }
  }
  return { stack, config, secretKeys: [...secretKeys], undecrypted };
}
