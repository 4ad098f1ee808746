/**
 * The IAM policy document shapes the AWS components render (bucket, key, topic, trust and role
 * policies), and the one trust policy every service role of the platform uses.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | Record<string, string | string[]>;
  Action: string | string[];
  /** Absent in trust policies, which name no resource. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * Lets one AWS service assume a role. With `sourceAccount`, only on behalf of that account, which
 * guards against the confused deputy where the service supports the condition key.
 */
export function serviceTrustPolicy(sid: string, service: string, sourceAccount?: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
      },
    ],
  };
}
