import { Problems } from "../validation";
import { serviceTrustPolicy, type PolicyDocument } from "./iamDocuments";

/**
 * Pure helpers shared by the components that write to CloudWatch Logs: the retention periods
 * CloudWatch accepts, the key policy that lets CloudWatch Logs use a key, and the flow-log delivery
 * role's documents.
 */

/** The retention periods, in days, that CloudWatch Logs accepts (`PutRetentionPolicy`). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Adds a problem unless `value` is unset or one of {@link LOG_RETENTION_DAYS}. */
export function checkLogRetention(p: Problems, field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !(LOG_RETENTION_DAYS as readonly number[]).includes(value)) {
    const nearest = typeof value === "number" ? LOG_RETENTION_DAYS.find((d) => d >= value) : undefined;
    p.add(
      "SEAWALL_LOG_RETENTION",
      field,
      value,
      `CloudWatch Logs keeps logs for one of ${LOG_RETENTION_DAYS.join(", ")} days` +
        (nearest !== undefined ? `; use ${nearest}` : ""),
    );
  }
}

/**
 * A key policy for a key that encrypts CloudWatch Logs log groups: the account administers the key
 * through IAM (the AWS default), and CloudWatch Logs in `region` may use it, but only for log groups
 * of this account in this region.
 * See https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logsKeyPolicy(partition: string, accountId: string, region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
          },
        },
      },
    ],
  };
}

/** Lets VPC Flow Logs of this account assume the delivery role (confused-deputy guarded). */
export function flowLogsTrustPolicy(accountId: string): PolicyDocument {
  return serviceTrustPolicy("VpcFlowLogsAssumesRole", "vpc-flow-logs.amazonaws.com", accountId);
}

/** Lets the flow-log delivery role write to one log group and nothing else. */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
      },
      {
        Sid: "FindLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: "*",
      },
    ],
  };
}
