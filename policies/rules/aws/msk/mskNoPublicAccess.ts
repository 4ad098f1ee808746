import { resourceRule } from "../../../lib/rule";

export const mskNoPublicAccess = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:msk/cluster:Cluster"],
    summary: "An MSK cluster's brokers are reachable from the internet.",
    description:
      "The MSK cluster turns on public access (brokerNodeGroupInfo.connectivityInfo.publicAccess.type " +
      "SERVICE_PROVIDED_EIPS). Its brokers get internet-facing addresses, exposing the event stream to " +
      "brute force and to any flaw in authentication.",
    remediation:
      'Leave brokerNodeGroupInfo.connectivityInfo.publicAccess.type "DISABLED" (the default) and reach the ' +
      "cluster through the VPC, peering or PrivateLink.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      const type = props.brokerNodeGroupInfo?.connectivityInfo?.publicAccess?.type ?? "DISABLED";
      return type === "DISABLED"
        ? undefined
        : {
            message: `connectivityInfo.publicAccess.type is "${type}"`,
            path: "brokerNodeGroupInfo.connectivityInfo.publicAccess.type",
            value: type,
          };
    },
  });
