import { resourceRule } from "../../../lib/rule";

interface Config {
  maximumRotationPeriodDays: number;
}

/** Seconds in a Cloud KMS duration string such as "7776000s". */
export function durationSeconds(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

export const gcpKmsKeyRotation = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:kms/cryptoKey:CryptoKey"],
    summary:
      "A Cloud KMS key is not rotated automatically (or too rarely), so one key version protects data for ever.",
    description:
      "The symmetric Cloud KMS key has no rotationPeriod (no automatic rotation, the default) or a period longer " +
      "than allowed. The same key version then protects all new data indefinitely, widening the impact of a " +
      "leaked or weakened version. Keys of protection level EXTERNAL, whose material the external key manager " +
      "holds and rotates, are not judged.",
    remediation: 'Set rotationPeriod to at most the configured maximum, e.g. "7776000s" (90 days).',
    enforcementLevel: "mandatory",
    severity: "medium",
    config: {
      maximumRotationPeriodDays: {
        type: "integer",
        minimum: 1,
        default: 90,
        description: "Longest allowed rotation period in days.",
      },
    },
    check: (props, { config, args }) => {
      const purpose = props.purpose ?? "ENCRYPT_DECRYPT";
      if (purpose !== "ENCRYPT_DECRYPT")
        args.notApplicable(`Cloud KMS does not rotate ${purpose} keys automatically`);
      // Key material of EXTERNAL keys lives in the external key manager and is rotated there.
      if (props.versionTemplate?.protectionLevel === "EXTERNAL")
        args.notApplicable("Cloud KMS does not rotate EXTERNAL (Cloud EKM) keys automatically");
      const value: unknown = props.rotationPeriod;
      const at = (message: string) => ({ message, path: "rotationPeriod", value });
      if (!value) return at("rotationPeriod is not set: the key is never rotated");
      const seconds = durationSeconds(String(value));
      if (seconds === undefined)
        return at(`rotationPeriod "${String(value)}" is not a duration like "7776000s"`);
      if (seconds > config.maximumRotationPeriodDays * 86400) {
        return at(
          `rotationPeriod is ${seconds / 86400} days; at most ${config.maximumRotationPeriodDays} allowed`,
        );
      }
      return undefined;
    },
  });
