import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { synthesize, SynthResult } from "./harness";

/** Where the stack files live (`stackConfigDir` in Pulumi.yaml). */
export const STACKS_DIR = path.resolve(__dirname, "..", "..", "stacks");
const PROJECT = "seawall";

/** The stacks that have a `stacks/Pulumi.<stack>.yaml`, sorted. */
export function listStacks(): string[] {
  return readdirSync(STACKS_DIR)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

export class UnknownStackError extends Error {
  constructor(stack: string) {
    super(
      `unknown stack "${stack}": there is no stacks/Pulumi.${stack}.yaml. ` +
        `Known stacks: ${listStacks().join(", ")}. Stack names are <environment>-<cloud>, e.g. dev-aws.`,
    );
    this.name = "UnknownStackError";
  }
}

/**
 * Reads a stack's config the way the engine hands it to the program: `namespace:key` to a string,
 * structured values JSON-encoded, bare keys in the project's namespace.
 */
export function loadStackConfig(stack: string): Record<string, string> {
  if (!listStacks().includes(stack)) throw new UnknownStackError(stack);
  const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value && typeof value === "object" && "secure" in value) {
      // Encrypted values need the stack's secrets provider; offline synthesis runs without them.
      continue;
    }
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

/** Synthesizes the stack program (`stacks/`) with the named stack's config. */
export async function synthesizeStack(
  stack: string,
  extraConfig: Record<string, string> = {},
): Promise<SynthResult> {
  const config = { ...loadStackConfig(stack), ...extraConfig };
  return synthesizeProgramWithConfig(stack, config);
}

/** Synthesizes the stack program with an explicit config (tests of bad config use this). */
export async function synthesizeProgramWithConfig(
  stack: string,
  config: Record<string, string>,
): Promise<SynthResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { program } = require("../../stacks/program") as { program: () => Promise<Record<string, unknown>> };
  return synthesize(program, { project: PROJECT, stack, config });
}
