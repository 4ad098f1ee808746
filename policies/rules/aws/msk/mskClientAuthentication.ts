import { asList } from "../../../lib/aws";
import { resourceRule } from "../../../lib/rule";

export const mskClientAuthentication = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:msk/cluster:Cluster"],
    summary:
      "An MSK cluster lets clients connect without authenticating, so anyone who reaches it can read and write topics.",
    description:
      "The MSK cluster allows unauthenticated clients: clientAuthentication.unauthenticated is true, or no " +
      "SASL (IAM or SCRAM) or mutual-TLS authentication is configured, in which case MSK enables " +
      "unauthenticated access. Any client in the network can then read, write and delete topics.",
    remediation:
      "Set clientAuthentication.sasl.iam (or sasl.scram, or tls.certificateAuthorityArns) and leave " +
      "clientAuthentication.unauthenticated false.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      const auth = props.clientAuthentication;
      if (auth?.unauthenticated === true) {
        return {
          message: "clientAuthentication.unauthenticated is true",
          path: "clientAuthentication.unauthenticated",
          value: true,
        };
      }
      const sasl = auth?.sasl?.iam === true || auth?.sasl?.scram === true;
      const mtls = asList(auth?.tls?.certificateAuthorityArns as string[] | undefined).length > 0;
      if (!sasl && !mtls) {
        return {
          message:
            "no SASL/IAM, SASL/SCRAM or mutual-TLS client authentication is configured (MSK then allows unauthenticated access)",
          path: "clientAuthentication",
          value: auth,
        };
      }
      return undefined;
    },
  });
