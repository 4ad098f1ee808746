import { ELASTICACHE, encryptionDefault, isGroupMember } from "../../../lib/elasticache";
import { resourceRule } from "../../../lib/rule";

export const elasticacheEncryptionInTransit = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [ELASTICACHE.replicationGroup, ELASTICACHE.cluster],
    summary:
      "An ElastiCache store accepts plaintext connections, exposing features and the auth token on the network.",
    description:
      "ElastiCache in-transit encryption is off (transitEncryptionEnabled false, or unset with engine redis, " +
      'whose default is false) or in "preferred" mode, which still accepts plaintext. Feature values and the ' +
      "AUTH token then cross the network in clear, and AUTH itself requires TLS.",
    remediation: 'Set transitEncryptionEnabled: true and leave transitEncryptionMode "required".',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type, args }) => {
      if (isGroupMember(type, props))
        args.notApplicable("a member of a replication group; the group is judged");
      const enabled = props.transitEncryptionEnabled ?? encryptionDefault(props);
      if (enabled !== true) {
        return {
          message:
            props.transitEncryptionEnabled === undefined
              ? `transitEncryptionEnabled is unset and engine "${props.engine ?? "redis"}" defaults to false`
              : "transitEncryptionEnabled is false",
          path: "transitEncryptionEnabled",
          value: props.transitEncryptionEnabled,
        };
      }
      if (props.transitEncryptionMode === "preferred") {
        return {
          message: 'transitEncryptionMode is "preferred", which still accepts plaintext clients',
          path: "transitEncryptionMode",
          value: "preferred",
        };
      }
      return undefined;
    },
  });
