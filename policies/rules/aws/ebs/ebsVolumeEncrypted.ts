import { resourceRule } from "../../../lib/rule";

const VOLUME = "aws:ebs/volume:Volume";
/** The region's account-level setting that encrypts every new volume and snapshot copy. */
const ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault";

export const ebsVolumeEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [VOLUME, ENCRYPTION_BY_DEFAULT],
    summary:
      "An EBS volume is not encrypted, so its data and snapshots are readable by anyone who gets a copy.",
    description:
      "The EBS volume does not set encrypted: true (the provider default is false; account-level default " +
      "encryption set outside the program cannot be seen), or an aws.ebs.EncryptionByDefault turns the " +
      "region's default encryption off (enabled: false). Its data and every snapshot of it are unencrypted " +
      "and can be shared or copied in clear.",
    remediation:
      "Set encrypted: true and kmsKeyId to a customer-managed key; leave EncryptionByDefault enabled (its default).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      if (type === ENCRYPTION_BY_DEFAULT) {
        // The provider's default for `enabled` is true.
        return props.enabled === false
          ? {
              message: "enabled is false: new EBS volumes in this region are not encrypted by default",
              path: "enabled",
              value: false,
            }
          : undefined;
      }
      return props.encrypted === true
        ? undefined
        : { message: "encrypted is not true", path: "encrypted", value: props.encrypted };
    },
  });
