import { AZURE, olderApiThan } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageHttpsOnly = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary: "An Azure storage account accepts plain HTTP, exposing data and SAS tokens on the network.",
    description:
      "The storage account sets enableHttpsTrafficOnly: false (the default is true; before API version " +
      "2019-04-01 it was false, so an unset value on those versions is reported too). Requests over plain HTTP " +
      "expose blob contents and shared-access signatures to anyone on the network path.",
    remediation: "Remove enableHttpsTrafficOnly: false (or set it to true).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      const value: unknown = props.enableHttpsTrafficOnly;
      if (value === false)
        return { message: "enableHttpsTrafficOnly is false", path: "enableHttpsTrafficOnly", value };
      if (value === undefined && olderApiThan(type, "20190401")) {
        return {
          message: "enableHttpsTrafficOnly is unset and this API version defaults it to false",
          path: "enableHttpsTrafficOnly",
          value,
        };
      }
      return undefined;
    },
  });
