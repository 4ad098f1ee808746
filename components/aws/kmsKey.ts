import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, Problems } from "../validation";

/** Settings for a customer-managed KMS key that a component creates. */
export interface KmsKeyArgs {
  /**
   * Days AWS waits before deleting the key once deletion is scheduled (7 to 30).
   * @default 30
   */
  deletionWindowInDays?: number;
  /**
   * A key policy (JSON). Leave unset for the AWS default, which lets the account's IAM policies
   * grant use of the key.
   * @default - the AWS default key policy
   */
  policy?: pulumi.Input<string>;
  /** Description shown in the KMS console. @default - says which component owns the key */
  description?: string;
}

/**
 * A customer-managed key: created with rotation on (`{ args }`), or brought (`{ existing }`).
 * Seawall never falls back to an AWS-managed key, so there is no `skip`.
 */
export type KmsKeyOption = { existing: { arn: pulumi.Input<string> } } | { args: KmsKeyArgs };

/**
 * Adds a problem unless `option` is unset or exactly one customer-managed key (`existing` or `args`);
 * `why` says what the key protects.
 */
export function checkKmsKeyOption(p: Problems, field: string, option: unknown, why?: string): void {
  helperChoice(p, field, option, ["existing", "args"], {
    why: `a customer-managed key is required${why ? ` (${why})` : ""}`,
  });
}

export interface ResolvedKey {
  arn: pulumi.Output<string>;
  /** The key, when the component created it. */
  key?: aws.kms.Key;
}

/** Creates or adopts the key named by `option`; children of `parent`. */
export function resolveKmsKey(
  name: string,
  option: KmsKeyOption | undefined,
  defaults: { description: string; deletionWindowInDays: number; tags: pulumi.Input<Record<string, string>> },
  opts: pulumi.CustomResourceOptions,
): ResolvedKey {
  if (option && "existing" in option) return { arn: pulumi.output(option.existing.arn) };
  const args = option?.args ?? {};
  const key = new aws.kms.Key(
    name,
    {
      description: args.description ?? defaults.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: args.deletionWindowInDays ?? defaults.deletionWindowInDays,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      policy: args.policy,
      tags: defaults.tags,
    },
    opts,
  );
  return { arn: key.arn, key };
}
