import { platformTags } from "../../components/azure/platformSettings";
import { DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { resolveProfile } from "../../components/profiles";
import { parseStackConfig, StackConfigError } from "../../stacks/config";

const prodArgs: DataPlatformArgs = {
  cloud: "azure",
  environment: "prod",
  owner: "data-platform",
  dataClassification: "confidential",
  region: "westeurope",
  replicaRegion: "northeurope",
  eventStream: { topics: [{ name: "events.raw", partitions: 12 }] },
};
const devArgs: DataPlatformArgs = { ...prodArgs, environment: "dev", replicaRegion: undefined };
const prod = resolveProfile("prod");
const codes = (args: DataPlatformArgs) =>
  validateDataPlatformArgs(args)
    .filter((p) => p.code !== "SEAWALL_PLATFORM_AZURE_NOT_BUILT")
    .map(({ code, field, value }) => ({ code, field, value }));

describe("the Azure platform's tags", () => {
  it("carry the environment, owner and classification after the team's tags, and no backup marker", () => {
    expect(platformTags({ ...prodArgs, tags: { team: "lake", "seawall:owner": "x" } }, prod)).toEqual({
      team: "lake",
      "seawall:environment": "prod",
      "seawall:owner": "data-platform",
      "seawall:data-classification": "confidential",
    });
  });

  it("reports a tag Azure would reject, with its field", () => {
    expect(
      codes({ ...devArgs, owner: "o".repeat(257), tags: { "cost/center": "42", team: "v".repeat(257) } }),
    ).toEqual([
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags.cost/center", value: "cost/center" },
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags.team", value: "v".repeat(257) },
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "owner", value: "o".repeat(257) },
    ]);
    const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, "x"]));
    expect(codes({ ...devArgs, tags: many })).toEqual([
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags", value: 48 },
    ]);
  });
});

describe("validation of an Azure platform", () => {
  it("lists every setting Azure has no counterpart for at once, each with a fix", () => {
    const problems = validateDataPlatformArgs({
      ...devArgs,
      network: { interfaceEndpoints: ["sts"] },
      eventStream: { clientAuthentication: "scram", kafkaVersion: "3.7.x" },
    }).filter((p) => p.code === "SEAWALL_PLATFORM_AZURE_UNSUPPORTED");
    expect(problems.map(({ field, value }) => ({ field, value }))).toEqual([
      { field: "network.interfaceEndpoints", value: ["sts"] },
      { field: "eventStream.clientAuthentication", value: "scram" },
      { field: "eventStream.kafkaVersion", value: "3.7.x" },
    ]);
    expect(problems[1].fix).toBe(
      'Event Hubs has no SCRAM, and its SAS keys are turned off; clients authenticate with Microsoft Entra ID (SASL OAUTHBEARER): use "iam"',
    );
  });
});

describe("an Azure stack's config", () => {
  it("requires the subscription and the location, naming the provider's keys", () => {
    let problems: string[] = [];
    try {
      parseStackConfig("dev-azure", {
        "seawall:cloud": "azure",
        "seawall:environment": "dev",
        "seawall:owner": "data",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(StackConfigError);
      problems = (error as StackConfigError).problems.map((p) => `${p.code} ${p.field}`);
    }
    expect(problems).toEqual([
      "SEAWALL_CONFIG_REGION_REQUIRED azure-native:location",
      "SEAWALL_CONFIG_SUBSCRIPTION_REQUIRED azure-native:subscriptionId",
    ]);
  });
});
