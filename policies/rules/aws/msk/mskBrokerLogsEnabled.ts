import { resourceRule } from "../../../lib/rule";

export const mskBrokerLogsEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:msk/cluster:Cluster"],
    summary: "An MSK cluster does not deliver broker logs, so failures and attacks leave no trace.",
    description:
      "The MSK cluster delivers no broker logs (loggingInfo.brokerLogs has no enabled CloudWatch Logs, " +
      "Firehose or S3 destination). Without them you cannot diagnose broker failures or investigate " +
      "authentication and authorization events.",
    remediation: "Enable loggingInfo.brokerLogs.cloudwatchLogs (or firehose or s3) with a destination.",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) => {
      const logs = props.loggingInfo?.brokerLogs;
      const enabled = [logs?.cloudwatchLogs, logs?.firehose, logs?.s3].some((d) => d?.enabled === true);
      return enabled
        ? undefined
        : {
            message: "loggingInfo.brokerLogs has no enabled destination",
            path: "loggingInfo.brokerLogs",
            value: logs,
          };
    },
  });
