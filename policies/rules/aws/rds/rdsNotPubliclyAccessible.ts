import { RDS } from "../../../lib/rds";
import { resourceRule } from "../../../lib/rule";

export const rdsNotPubliclyAccessible = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [RDS.instance, RDS.clusterInstance],
    summary: "An RDS instance has a public endpoint, exposing the database to the internet.",
    description:
      "RDS publiclyAccessible is true: the instance gets a public DNS name and IP, and only security groups " +
      "stand between the database and internet-wide scanning and password guessing.",
    remediation: "Set publiclyAccessible: false (the default) and reach the database from inside the VPC.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) =>
      props.publiclyAccessible === true
        ? { message: "publiclyAccessible is true", path: "publiclyAccessible", value: true }
        : undefined,
  });
