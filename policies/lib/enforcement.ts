import { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { configWithDefaults, ConfigProperties } from "./rule";

/**
 * How a valid `--policy-pack-config` is applied, as the Pulumi CLI and the policy SDK apply it.
 *
 * pulumi/pulumi `pkg/resource/analyzer/config.go`:
 * - `parsePolicyPackConfig`: an entry is a level string or an object whose `enforcementLevel` key
 *   (if any) is its level and whose other keys are its properties.
 * - `ReconcilePolicyPackConfig` starts every policy at the level it announces
 *   (`createConfigWithDefaults`), then `applyConfig`: a valid level under `all` replaces every
 *   policy's level; then each policy's own entry replaces the level only when it gives a valid one
 *   (an entry of properties alone keeps the level `all` set), and its properties go over the
 *   schema's defaults. `all`'s properties reach no policy.
 *
 * @pulumi/policy 1.21.0 `server.js` (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun`): a
 * policy with no level of its own takes the pack's; a violation at `remediate` is reported as
 * `mandatory` (a remediation, if the policy had one, ran and did not fix it; a validation-only
 * policy has none, and stack policies cannot remediate: pulumi/pulumi
 * `pkg/resource/deploy/step_generator.go` downgrades it the same way).
 */

/** The levels the CLI accepts (`apitype.EnforcementLevel.IsValid`). */
const VALID_LEVELS: ReadonlySet<string> = new Set(["advisory", "mandatory", "remediate", "disabled"]);

/** The level an entry gives, if a valid one: the string itself or its `enforcementLevel`. */
function levelIn(entry: unknown): EnforcementLevel | undefined {
  const level =
    typeof entry === "string"
      ? entry
      : entry && typeof entry === "object"
        ? (entry as { enforcementLevel?: unknown }).enforcementLevel
        : undefined;
  return typeof level === "string" && VALID_LEVELS.has(level) ? (level as EnforcementLevel) : undefined;
}

/** The SDK's `PolicyPack` default when neither the policy nor the pack gives a level. */
export const PACK_DEFAULT_LEVEL: EnforcementLevel = "advisory";

/**
 * The level a policy runs at under `config`: its own entry's level, else `all`'s, else the
 * policy's, else the pack's.
 */
export function enforcementLevelOf(
  policy: { name: string; enforcementLevel?: EnforcementLevel },
  config: PolicyPackConfig,
  packLevel: EnforcementLevel = PACK_DEFAULT_LEVEL,
): EnforcementLevel {
  const own = Object.prototype.hasOwnProperty.call(config, policy.name) ? config[policy.name] : undefined;
  return (
    levelIn(own) ??
    levelIn(Object.prototype.hasOwnProperty.call(config, "all") ? config.all : undefined) ??
    policy.enforcementLevel ??
    packLevel
  );
}

/** The level a violation is reported at: `remediate` reports as `mandatory`; undefined when disabled. */
export function reportedLevel(level: EnforcementLevel): "advisory" | "mandatory" | undefined {
  if (level === "disabled") return undefined;
  return level === "advisory" ? "advisory" : "mandatory";
}

/** A policy's properties under `config`: its own entry's (less `enforcementLevel`) over the schema's defaults. */
export function policyProperties(
  policy: { name: string; configSchema?: { properties?: ConfigProperties } },
  config: PolicyPackConfig,
): Record<string, unknown> {
  const entry = Object.prototype.hasOwnProperty.call(config, policy.name) ? config[policy.name] : undefined;
  const given: Record<string, unknown> = entry && typeof entry === "object" ? { ...entry } : {};
  delete given.enforcementLevel;
  return configWithDefaults(policy.configSchema?.properties, given);
}
