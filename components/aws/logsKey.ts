import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KmsKeyOption } from "./kmsKey";
import { logsKeyPolicy } from "./logs";

/**
 * A key option with `policy` as the key policy of a key the component creates; a brought key, or a
 * created key given its own policy, is left as the caller set it.
 */
export function withDefaultKeyPolicy(
  option: KmsKeyOption | undefined,
  policy: () => pulumi.Input<string>,
): KmsKeyOption {
  if (option && "existing" in option) return option;
  const args = option && "args" in option ? option.args : {};
  return { args: { ...args, policy: args.policy ?? policy() } };
}

/**
 * A key option whose created key CloudWatch Logs of this account and region may use, so one key
 * encrypts a component's data and its log groups. Looks up the account, region and partition as
 * children of `parent`.
 */
export function logsKeyOption(option: KmsKeyOption | undefined, parent: pulumi.Resource): KmsKeyOption {
  return withDefaultKeyPolicy(option, () =>
    pulumi
      .all([
        aws.getPartitionOutput({}, { parent }).partition,
        aws.getCallerIdentityOutput({}, { parent }).accountId,
        aws.getRegionOutput({}, { parent }).region,
      ])
      .apply(([partition, accountId, region]) => JSON.stringify(logsKeyPolicy(partition, accountId, region))),
  );
}
