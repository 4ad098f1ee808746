import { resourceRule } from "../../../lib/rule";

export const ebsVolumeEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:ebs/volume:Volume"],
    summary:
      "An EBS volume is not encrypted, so its data and snapshots are readable by anyone who gets a copy.",
    description:
      "The EBS volume does not set encrypted: true (the provider default is false; account-level default " +
      "encryption cannot be seen from the program). Its data and every snapshot of it are unencrypted and can " +
      "be shared or copied in clear.",
    remediation: "Set encrypted: true and kmsKeyId to a customer-managed key.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => (props.encrypted === true ? undefined : "encrypted is not true"),
  });
