import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const eventHubsKafkaTier = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.eventHubNamespace],
    summary: "An Event Hubs namespace is on the Basic tier, which has no Kafka endpoint.",
    description:
      'The Event Hubs namespace\'s sku.name is "Basic" (or missing). Basic has no Kafka endpoint, one consumer ' +
      "group and one-day retention, so the pipeline's Kafka clients cannot connect and replays are impossible.",
    remediation: 'Set sku.name to "Standard" or "Premium" (Premium for isolation and private networking).',
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) => {
      const sku: unknown = props.sku?.name;
      return ["Standard", "Premium"].includes(String(sku))
        ? undefined
        : {
            message: `sku.name is ${JSON.stringify(sku)}; Kafka needs Standard or Premium`,
            path: "sku.name",
            value: sku,
          };
    },
  });
