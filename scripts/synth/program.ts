import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { synthesize, SynthResult } from "./harness";
import { chooseStack, loadProjectStackConfig, Project, readProject, StackConfig } from "./project";
import { loadSdk } from "./sdk";

/**
 * Offline synthesis of any team's Pulumi TypeScript or JavaScript program: the project and stack
 * config read as the Pulumi CLI reads them, the SDK's mocks installed on the copy of
 * `@pulumi/pulumi` the program resolves, TypeScript loaded with tsx as the language host loads it
 * with ts-node, and the program's export run the way the language host runs it.
 */

// tsx's API types are ESM-only (.d.mts), which this project's `moduleResolution: node` cannot see.
/* eslint-disable @typescript-eslint/no-require-imports */
const { register } = require("tsx/cjs/api") as { register(): () => void };
const { tsImport } = require("tsx/esm/api") as {
  tsImport(specifier: string, options: { parentURL: string }): Promise<unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The program failed while it ran (it threw, or a resource it registered failed). */
export class ProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramError";
  }
}

export interface ProgramPlan extends SynthResult {
  project: Project;
  stack: StackConfig;
}

/** Collapses a multi-line message (Pulumi's config errors, the harness's logged errors) into one line. */
function oneLine(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

/** Forgets the program's own modules (not its node_modules), so a second synthesis runs it again. */
function forgetProgramModules(dir: string): void {
  const inside = dir.endsWith(path.sep) ? dir : dir + path.sep;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(inside) && !key.slice(inside.length).split(path.sep).includes("node_modules")) {
      delete require.cache[key];
    }
  }
}

/**
 * Loads the program's entry point and runs its export as the nodejs language host does: a default
 * export alone stands for the module, and an exported function is called (its result, awaited,
 * holds the stack outputs).
 */
async function runEntry(project: Project): Promise<unknown> {
  let exported: unknown;
  if (project.esm) {
    exported = await tsImport(pathToFileURL(project.entry).href, {
      parentURL: pathToFileURL(__filename).href,
    });
    const namespace = exported as Record<string, unknown>;
    if (Object.getOwnPropertyDescriptor(namespace, "default") !== undefined) {
      if (Object.keys(namespace).length !== 1) {
        throw new Error(
          "expected entrypoint module to have either a default export or named exports but not both",
        );
      }
      exported = namespace.default;
    }
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is chosen at run time
    exported = require(project.entry);
  }
  return exported instanceof Function ? (exported as () => unknown)() : exported;
}

/**
 * Synthesizes the Pulumi project in `dir` (absolute) for `stack` (the only stack file when not
 * given) under the mocks. Bad input throws a `ProjectError`; a failing program a
 * {@link ProgramError} whose one-line message carries the program's own.
 */
export async function synthesizeProgram(dir: string, stack?: string): Promise<ProgramPlan> {
  const project = readProject(dir);
  const stackConfig = loadProjectStackConfig(project, chooseStack(project, stack));
  const sdk = loadSdk(project.dir);
  const cwd = process.cwd();
  // The language host runs the program in its project directory, with its tsconfig.json.
  process.chdir(project.dir);
  const unregister = register();
  forgetProgramModules(project.dir);
  try {
    const result = await synthesize(() => runEntry(project), {
      project: project.name,
      stack: stackConfig.stack,
      config: stackConfig.config,
      secretKeys: stackConfig.secretKeys,
      sdk,
    });
    return { ...result, project, stack: stackConfig };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ProgramError(
      `the program ${path.relative(cwd, project.entry) || project.entry} failed: ${oneLine(message)}`,
    );
  } finally {
    unregister();
    process.chdir(cwd);
  }
}
