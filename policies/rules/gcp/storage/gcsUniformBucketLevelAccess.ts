import { resourceRule } from "../../../lib/rule";

export const gcsUniformBucketLevelAccess = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    summary: "A Cloud Storage bucket allows per-object ACLs, so single objects can be shared outside IAM.",
    description:
      "The Cloud Storage bucket does not enable uniform bucket-level access (the provider default is false). " +
      "Object ACLs stay in force, so any object can be shared, even publicly, without a trace in the bucket's " +
      "IAM policy, and access reviews miss it.",
    remediation: "Set uniformBucketLevelAccess: true and grant access with IAM only.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.uniformBucketLevelAccess === true
        ? undefined
        : {
            message: "uniformBucketLevelAccess is not true",
            path: "uniformBucketLevelAccess",
            value: props.uniformBucketLevelAccess as unknown,
          },
  });
