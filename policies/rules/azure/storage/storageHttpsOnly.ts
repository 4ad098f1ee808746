import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageHttpsOnly = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary: "An Azure storage account accepts plain HTTP, exposing data and SAS tokens on the network.",
    description:
      "The storage account sets enableHttpsTrafficOnly: false (the default is true). Requests over plain HTTP " +
      "expose blob contents and shared-access signatures to anyone on the network path.",
    remediation: "Remove enableHttpsTrafficOnly: false (or set it to true).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.enableHttpsTrafficOnly === false
        ? { message: "enableHttpsTrafficOnly is false", path: "enableHttpsTrafficOnly", value: false }
        : undefined,
  });
