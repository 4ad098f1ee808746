import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";
import { gcpSettingProblems } from "./platformSettings";

export { platformLabels } from "./platformSettings";

/** The parts of the GCP platform that are not built yet; validation names each. */
const NOT_BUILT = ["network", "objectStore", "eventStream", "featureStore", "backups", "monitoring"];

/**
 * Every problem with the platform's arguments on GCP, before anything is registered: settings GCP
 * has no equivalent for, labels GCP would reject, and each component's own validation, named as
 * the platform's fields.
 */
export function validateGcpPlatformArgs(args: DataPlatformArgs, _profile: Profile): Problem[] {
  return [
    ...gcpSettingProblems(args),
    ...NOT_BUILT.map(
      (part): Problem => ({
        code: "SEAWALL_PLATFORM_CLOUD_UNSUPPORTED",
        field: part,
        value: args.cloud,
        fix: `the GCP ${part} is not built yet; use "aws"`,
      }),
    ),
  ];
}

/** Builds the GCP platform's components as children of `parent`. */
export function buildGcpPlatform(
  _parent: pulumi.Resource,
  _name: string,
  _args: DataPlatformArgs,
  _profile: Profile,
): PlatformOutputs {
  throw new Error("unreachable: validateGcpPlatformArgs rejects every GCP platform until it is built");
}
