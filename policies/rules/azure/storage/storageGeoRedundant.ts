import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

const GEO = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

export const storageGeoRedundant = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary:
      "An Azure storage account keeps data in one region only, so a regional outage or disaster loses access to it.",
    description:
      "The storage account's SKU is not geo-redundant (GRS, RA-GRS, GZRS or RA-GZRS). Its data lives in one " +
      "region, and a regional disaster makes it unavailable or lost. Advisory by default; the prod config " +
      "makes it mandatory.",
    remediation:
      'Set sku.name to "Standard_GZRS" (or "Standard_RAGZRS" for read access in the secondary region).',
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) => {
      const sku: unknown = props.sku?.name;
      return GEO.includes(String(sku))
        ? undefined
        : { message: `sku.name is ${JSON.stringify(sku)}, not geo-redundant`, path: "sku.name", value: sku };
    },
  });
