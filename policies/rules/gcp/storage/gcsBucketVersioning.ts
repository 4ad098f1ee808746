import { resourceRule } from "../../../lib/rule";

export const gcsBucketVersioning = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    summary:
      "A Cloud Storage bucket keeps no object versions, so an overwrite or delete loses data for good.",
    description:
      "The Cloud Storage bucket does not enable versioning (versioning.enabled defaults to false). An overwrite " +
      "or delete, by a bug or an attacker, then destroys the only live copy once soft delete expires.",
    remediation:
      "Set versioning: { enabled: true } and a lifecycle rule that expires old noncurrent versions.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.versioning?.enabled === true
        ? undefined
        : {
            message: "versioning.enabled is not true",
            path: "versioning.enabled",
            value: props.versioning?.enabled as unknown,
          },
  });
