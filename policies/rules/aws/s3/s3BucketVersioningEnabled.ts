import { inline, S3 } from "../../../lib/aws";
import { resourceRule } from "../../../lib/rule";

/** Versioning must be Enabled: without it an overwrite or delete destroys the only copy of an object. */
export const s3BucketVersioningEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.versioning, ...S3.bucket],
    summary: "S3 versioning is suspended or disabled, so an overwrite or delete loses data for good.",
    description:
      "S3 bucket versioning is not Enabled. Without versioning, an overwrite or a delete (by a bug, a " +
      "compromised credential or ransomware) destroys the only copy of an object, and replication cannot run.",
    remediation:
      'Give the bucket an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled" (or, on a ' +
      "legacy inline bucket, versioning.enabled: true, or versionings[0].enabled: true on a BucketV2).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      if (S3.bucket.includes(type as (typeof S3.bucket)[number])) {
        // Inline (legacy) versioning: only an explicit `enabled: false` is judged here; a bucket with
        // no versioning at all is reported by s3BucketVersioningAttached, which sees the split resources.
        const off = inline(props, "versioning").find((v) => v.value.enabled === false);
        return off
          ? { message: "inline versioning.enabled is false", path: `${off.path}.enabled`, value: false }
          : undefined;
      }
      const status = props.versioningConfiguration?.status;
      if (status !== "Enabled") {
        return {
          message: `versioningConfiguration.status is ${JSON.stringify(status)}, not "Enabled"`,
          path: "versioningConfiguration.status",
          value: status,
        };
      }
      return undefined;
    },
  });
