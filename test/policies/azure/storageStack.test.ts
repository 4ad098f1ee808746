import { ResourceDescriptor } from "../../../policies/lib/evaluate";
import { storageAccountBlobServiceAttached } from "../../../policies/rules/azure/storage/storageAccountBlobServiceAttached";
import { runPolicy, unknown } from "../helpers";

const account = (
  name: string,
  type = "azure-native:storage:StorageAccount",
  props: Record<string, unknown> = {},
): ResourceDescriptor => ({
  type,
  name,
  urn: `urn:pulumi:s::p::${type}::${name}`,
  props: { resourceGroupName: "rg", ...props },
});
const blobService = (
  name: string,
  of: ResourceDescriptor | undefined,
  props: Record<string, unknown> = {},
): ResourceDescriptor => ({
  type: "azure-native:storage:BlobServiceProperties",
  name,
  urn: `urn:pulumi:s::p::azure-native:storage:BlobServiceProperties::${name}`,
  props: { accountName: `${of?.name ?? "x"}abc123`, blobServicesName: "default", ...props },
  propertyDependencies: of ? { accountName: [of.urn!] } : {},
});

async function findings(resources: ResourceDescriptor[]) {
  return (await runPolicy(storageAccountBlobServiceAttached(), resources)).violations.map((v) => v.message);
}

describe("storageAccountBlobServiceAttached", () => {
  const lake = account("lake");
  it("passes an account with its blob service, tied through propertyDependencies", async () => {
    expect(await findings([lake, blobService("lake-blob", lake)])).toEqual([]);
  });
  it("passes an API-versioned account", async () => {
    const old = account("old", "azure-native:storage/v20230101:StorageAccount");
    expect(await findings([old, blobService("old-blob", old)])).toEqual([]);
  });
  it("fails an account without a blob service", async () => {
    expect(await findings([lake])).toEqual(["storage account lake has no BlobServiceProperties"]);
  });
  it("fails the account whose name matches but is not the dependency", async () => {
    const other = account("other");
    expect(await findings([lake, other, blobService("b", other, { accountName: "lakeabc123" })])).toEqual([
      "storage account lake has no BlobServiceProperties",
    ]);
  });
  it("falls back to a literal account name when there are no property dependencies", async () => {
    const named = account("named", undefined, { accountName: "seawalllake" });
    expect(await findings([named, blobService("b", undefined, { accountName: "seawalllake" })])).toEqual([]);
  });
  it("does not require blob service properties of a FileStorage account (premium file shares have no blob service)", async () => {
    expect(
      await findings([account("files", undefined, { kind: "FileStorage", sku: { name: "Premium_LRS" } })]),
    ).toEqual([]);
  });
  it("reports nothing while an account's kind is unknown", async () => {
    expect(await findings([account("pending", undefined, { kind: unknown.string })])).toEqual([]);
  });
  it("reports nothing while a blob service's account name is unknown (it may be any account's)", async () => {
    expect(await findings([lake, blobService("b", undefined, { accountName: unknown.string })])).toEqual([]);
  });
});
