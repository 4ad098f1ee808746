import { Finding, resourceRule } from "../../../lib/rule";

export const mskTlsInTransit = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:msk/cluster:Cluster"],
    summary:
      "An MSK cluster accepts plaintext between clients and brokers or between brokers, exposing events on the network.",
    description:
      "The MSK cluster allows plaintext traffic: encryptionInTransit.clientBroker is TLS_PLAINTEXT or PLAINTEXT, " +
      "or inCluster is false. Events, and SASL/SCRAM credentials, can then be read or altered by anyone on " +
      "the network path.",
    remediation:
      'Set encryptionInfo.encryptionInTransit.clientBroker to "TLS" and inCluster to true (both are the provider defaults).',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const transit = props.encryptionInfo?.encryptionInTransit;
      const problems: Finding[] = [];
      const at = "encryptionInfo.encryptionInTransit";
      // Provider defaults: clientBroker "TLS", inCluster true.
      const clientBroker = transit?.clientBroker ?? "TLS";
      if (clientBroker !== "TLS") {
        problems.push({
          message: `encryptionInTransit.clientBroker is "${clientBroker}"`,
          path: `${at}.clientBroker`,
          value: clientBroker,
        });
      }
      if (transit?.inCluster === false) {
        problems.push({
          message: "encryptionInTransit.inCluster is false",
          path: `${at}.inCluster`,
          value: false,
        });
      }
      return problems;
    },
  });
