import { evaluatePolicies, loadEnvironmentConfig, ResourceDescriptor } from "../../../policies/lib/evaluate";
import { allPolicies } from "../../../policies/policies";
import { blobContainerNoPublicAccess } from "../../../policies/rules/azure/storage/blobContainerNoPublicAccess";
import { stackFindings } from "../findingHelpers";
import { runPolicy, unknown } from "../helpers";

const SA = "azure-native:storage:StorageAccount";
const CONTAINER = "azure-native:storage:BlobContainer";

const account = (name: string, props: Record<string, unknown> = {}, type = SA): ResourceDescriptor => ({
  type,
  name,
  urn: `urn:pulumi:s::p::${type}::${name}`,
  props: { resourceGroupName: "rg", ...props },
});
const container = (
  name: string,
  of: ResourceDescriptor | undefined,
  props: Record<string, unknown> = {},
  type = CONTAINER,
): ResourceDescriptor => ({
  type,
  name,
  urn: `urn:pulumi:s::p::${type}::${name}`,
  props: { resourceGroupName: "rg", accountName: `${of?.name ?? "x"}abc123`, ...props },
  propertyDependencies: of ? { accountName: [of.urn!] } : {},
});

async function messages(resources: ResourceDescriptor[]) {
  return (await runPolicy(blobContainerNoPublicAccess(), resources)).violations.map((v) => v.message);
}

describe("blobContainerNoPublicAccess", () => {
  const open = account("open", { allowBlobPublicAccess: true });
  const closed = account("closed", { allowBlobPublicAccess: false });

  it("passes a container with the default level (None)", async () => {
    expect(await messages([open, container("c", open)])).toEqual([]);
    expect(await messages([open, container("c", open, { publicAccess: "None" })])).toEqual([]);
  });
  it("fails a Blob-level container whose account allows anonymous access", async () => {
    expect(await messages([open, container("c", open, { publicAccess: "Blob" })])).toEqual([
      'container c has publicAccess "Blob" and storage account open allows anonymous blob access',
    ]);
  });
  it("fails a Container-level container on an API-versioned token whose account is not in the stack", async () => {
    const c = container(
      "c",
      undefined,
      { publicAccess: "Container" },
      "azure-native:storage/v20230101:BlobContainer",
    );
    expect(await messages([c])).toEqual([
      'container c has publicAccess "Container" and its storage account is not in the stack to block anonymous access',
    ]);
  });
  it("fails a public container whose account leaves the setting unset on an API before 2023-01-01 (default true)", async () => {
    const old = account("old", {}, "azure-native:storage/v20220901:StorageAccount");
    expect(await messages([old, container("c", old, { publicAccess: "Blob" })])).toHaveLength(1);
  });
  it("passes a public container whose account in the stack sets allowBlobPublicAccess false", async () => {
    expect(await messages([closed, container("c", closed, { publicAccess: "Container" })])).toEqual([]);
  });
  it("passes a public container whose account leaves the setting unset on the current API (default false)", async () => {
    const current = account("current");
    expect(await messages([current, container("c", current, { publicAccess: "Blob" })])).toEqual([]);
  });
  it("ties a container to its account by literal name when there are no property dependencies", async () => {
    const named = account("named", { accountName: "lake", allowBlobPublicAccess: false });
    const other = account("other", { accountName: "other", allowBlobPublicAccess: true });
    expect(
      await messages([
        named,
        other,
        container("c", undefined, { accountName: "lake", publicAccess: "Blob" }),
      ]),
    ).toEqual([]);
    expect(
      await messages([
        named,
        other,
        container("d", undefined, { accountName: "other", publicAccess: "Blob" }),
      ]),
    ).toEqual(['container d has publicAccess "Blob" and storage account other allows anonymous blob access']);
  });
  it("reports nothing while the level, the account name or the account's setting is unknown", async () => {
    expect(await messages([open, container("c", open, { publicAccess: unknown.string })])).toEqual([]);
    expect(
      await messages([
        open,
        container("c", undefined, { accountName: unknown.string, publicAccess: "Blob" }),
      ]),
    ).toEqual([]);
    const pending = account("pending", { allowBlobPublicAccess: unknown.boolean });
    expect(await messages([pending, container("c", pending, { publicAccess: "Blob" })])).toEqual([]);
  });
  it("gives the property path and the observed level", () => {
    expect(
      stackFindings(blobContainerNoPublicAccess(), [open, container("c", open, { publicAccess: "Blob" })]),
    ).toEqual([
      {
        urn: `urn:pulumi:s::p::${CONTAINER}::c`,
        message: 'container c has publicAccess "Blob" and storage account open allows anonymous blob access',
        path: "publicAccess",
        value: "Blob",
      },
    ]);
  });
  it("is a mandatory violation of the pack in both environments", async () => {
    const resources = [open, container("c", open, { publicAccess: "Container" })];
    for (const env of ["dev", "prod"] as const) {
      const { violations } = await evaluatePolicies(allPolicies(), resources, loadEnvironmentConfig(env));
      expect(violations.filter((v) => v.urn === resources[1].urn).map((v) => [v.rule, v.level])).toEqual([
        ["blobContainerNoPublicAccess", "mandatory"],
      ]);
    }
  });
});
