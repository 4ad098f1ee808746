import { resourceRule } from "../../../lib/rule";

interface Config {
  maximumRotationPeriodDays: number;
}

export const kmsKeyRotationEnabled = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:kms/key:Key"],
    summary:
      "A KMS key is not rotated automatically (or too rarely), so one leaked key version protects data for ever.",
    description:
      "The symmetric encryption KMS key (keyUsage ENCRYPT_DECRYPT, spec SYMMETRIC_DEFAULT: the only keys KMS " +
      "can rotate) has enableKeyRotation unset or false (the provider default is false), or a " +
      "rotationPeriodInDays above the allowed maximum. Without rotation the same key material protects all " +
      "data indefinitely, widening the blast radius of any exposure and failing most compliance baselines.",
    remediation:
      "Set enableKeyRotation: true and rotationPeriodInDays at most the configured maximum (default 365).",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: {
      maximumRotationPeriodDays: {
        type: "integer",
        minimum: 90,
        maximum: 2560,
        default: 365,
        description: "Longest allowed rotation period in days (KMS allows 90 to 2560).",
      },
    },
    check: (props, { config, args }) => {
      // AWS rotates only symmetric encryption keys; it refuses rotation of signing, MAC, HMAC and
      // asymmetric keys.
      const usage = props.keyUsage ?? "ENCRYPT_DECRYPT";
      if (usage !== "ENCRYPT_DECRYPT") args.notApplicable(`KMS cannot rotate ${usage} keys automatically`);
      const spec = props.keySpec ?? props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable(`KMS cannot rotate ${spec} keys automatically`);
      if (props.customKeyStoreId)
        args.notApplicable("keys in a custom key store cannot be rotated automatically");
      if (props.enableKeyRotation !== true) {
        return {
          message: "enableKeyRotation is not true",
          path: "enableKeyRotation",
          value: props.enableKeyRotation,
        };
      }
      const period = props.rotationPeriodInDays ?? 365;
      if (typeof period === "number" && period > config.maximumRotationPeriodDays) {
        return {
          message: `rotationPeriodInDays is ${period}; at most ${config.maximumRotationPeriodDays} allowed`,
          path: "rotationPeriodInDays",
          value: props.rotationPeriodInDays,
        };
      }
      return undefined;
    },
  });
