import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../validation";

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
 * Adds a problem for each way `option` asks for something other than exactly one customer-managed key;
 * `why` says what the key protects.
 */
export function checkKmsKeyOption(
  p: Problems,
  field: string,
  option: KmsKeyOption | undefined,
  why?: string,
): void {
  if (option && "existing" in option && "args" in option) {
    p.add(
      field,
      "{ existing, args }",
      "give either `existing` (bring your own key) or `args` (create one), not both",
    );
  }
  if (option && "skip" in option) {
    p.add(
      field,
      "{ skip: true }",
      `a customer-managed key is required${why ? ` (${why})` : ""}; give \`existing\` or \`args\``,
    );
  }
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
