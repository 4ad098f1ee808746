import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { program } from "../../stacks/program";
import { synthesize } from "../../scripts/synth/harness";
import { loadStackConfig } from "../../scripts/synth/stacks";

/** Runs the stack program with `config`; returns what it registered and what it threw. */
async function run(stack: string, config: Record<string, string>) {
  let thrown: unknown;
  const result = await synthesize(
    async () => {
      try {
        return await program();
      } catch (error) {
        thrown = error;
        return {};
      }
    },
    { project: "seawall", stack, config },
  );
  return { resources: result.resources, thrown };
}

function problemsOf(config: Record<string, string>, stack = "prod-aws"): string[] {
  try {
    parseStackConfig(stack, config);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as StackConfigError).problems.map(
      (p) => `${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`,
    );
  }
  return [];
}

const prod = () => loadStackConfig("prod-aws");
const withObjectStore = (patch: object) => {
  const config = prod();
  config["seawall:objectStore"] = JSON.stringify({ ...JSON.parse(config["seawall:objectStore"]), ...patch });
  return config;
};

describe("stack config", () => {
  it("accepts every committed stack file", () => {
    for (const stack of ["dev-aws", "prod-aws", "dev-gcp", "prod-gcp", "dev-azure", "prod-azure"]) {
      expect(problemsOf(loadStackConfig(stack), stack)).toEqual([]);
    }
  });

  it("maps the config onto the platform's arguments", () => {
    const args = parseStackConfig("prod-aws", prod());
    expect(args).toMatchObject({
      cloud: "aws",
      environment: "prod",
      owner: "data-platform",
      dataClassification: "confidential",
      region: "us-east-1",
      replicaRegion: "us-west-2",
      objectStore: {
        prefix: "events",
        accessLogging: true,
        lifecycle: { infrequentAccessAfterDays: 30, archiveAfterDays: 90, expireNoncurrentAfterDays: 180 },
      },
    });
  });

  it("fails on a missing key, naming it", () => {
    const config = prod();
    delete config["seawall:owner"];
    expect(problemsOf(config)).toEqual(["seawall:owner = undefined: required (string)"]);
  });

  it("fails on a missing region, naming the provider's key", () => {
    const config = prod();
    delete config["aws:region"];
    expect(problemsOf(config)).toEqual([
      "aws:region = undefined: required: the primary region of the aws platform",
    ]);
  });

  it("maps a GCP stack's config, its region from gcp:region", () => {
    expect(parseStackConfig("prod-gcp", loadStackConfig("prod-gcp"))).toMatchObject({
      cloud: "gcp",
      environment: "prod",
      region: "us-central1",
      replicaRegion: "us-east1",
    });
  });

  it("fails on a GCP stack without its project or region, naming the provider's keys", () => {
    const config = loadStackConfig("prod-gcp");
    delete config["gcp:project"];
    delete config["gcp:region"];
    expect(problemsOf(config, "prod-gcp")).toEqual([
      "gcp:region = undefined: required: the primary region of the gcp platform",
      "gcp:project = undefined: required: the gcp project the platform is created in",
    ]);
  });

  it("fails on a GCP stack asking for what GCP has no counterpart for, naming the key", () => {
    const config = loadStackConfig("dev-gcp");
    config["seawall:eventStream"] = JSON.stringify({
      ...JSON.parse(config["seawall:eventStream"]),
      clientAuthentication: "scram",
    });
    expect(problemsOf(config, "dev-gcp")).toEqual([
      'seawall:eventStream.clientAuthentication = "scram": Managed Service for Apache Kafka has no SCRAM; clients authenticate with Google IAM (SASL OAUTHBEARER): use "iam"',
    ]);
  });

  it("fails on a wrong type, naming the nested key and its value", () => {
    expect(problemsOf(withObjectStore({ lifecycle: { archiveAfterDays: "ninety" } }))).toEqual([
      'seawall:objectStore.lifecycle.archiveAfterDays = "ninety": must be a number',
    ]);
  });

  it("takes Airflow's executor and refuses one the platform does not offer", () => {
    const config = loadStackConfig("dev-gcp");
    const k = JSON.parse(config["seawall:kubernetes"]);
    config["seawall:kubernetes"] = JSON.stringify({
      args: { ...k.args, airflow: { args: { executor: "CeleryExecutor" } } },
    });
    expect(problemsOf(config, "dev-gcp")).toEqual([]);
    config["seawall:kubernetes"] = JSON.stringify({
      args: { ...k.args, airflow: { args: { executor: "LocalExecutor" } } },
    });
    expect(problemsOf(config, "dev-gcp").join("\n")).toMatch(/seawall:kubernetes.*airflow/);
  });

  it("fails on an unknown cloud, listing the clouds allowed", () => {
    expect(problemsOf({ ...prod(), "seawall:cloud": "oracle" })).toEqual([
      'seawall:cloud = "oracle": must be one of "aws", "gcp", "azure", "kubernetes"',
    ]);
  });

  it("fails on an unknown environment, listing the environments allowed", () => {
    expect(problemsOf({ ...prod(), "seawall:environment": "qa" })).toEqual([
      'seawall:environment = "qa": must be one of "dev", "staging", "prod"',
    ]);
  });

  it("fails when the replica region is the primary region", () => {
    expect(problemsOf({ ...prod(), "seawall:replicaRegion": "us-east-1" })).toContain(
      'seawall:replicaRegion = "us-east-1": must differ from the primary region (us-east-1); a replica in the same region survives no regional outage',
    );
  });

  it("fails when production replicates but names no replica region", () => {
    const config = prod();
    delete config["seawall:replicaRegion"];
    expect(problemsOf(config)).toEqual([
      "seawall:replicaRegion = undefined: required when replication is on (the prod profile or objectStore.replication = true); set a region other than us-east-1",
    ]);
  });

  it("fails when lifecycle days are out of order", () => {
    expect(
      problemsOf(withObjectStore({ lifecycle: { infrequentAccessAfterDays: 60, archiveAfterDays: 45 } })),
    ).toEqual([
      "seawall:objectStore.lifecycle.archiveAfterDays = 45: must be at least 30 days after lifecycle.infrequentAccessAfterDays (60): S3 keeps objects in STANDARD_IA for 30 days before archiving; set it to 90 or more",
    ]);
  });

  it("fails on an unknown key, listing the keys allowed there", () => {
    const [top] = problemsOf({ ...prod(), "seawall:colour": "blue" });
    expect(top).toMatch(
      /^seawall:colour = "blue": unknown key; the keys allowed here are environment, cloud, owner, /,
    );
    const [nested] = problemsOf(withObjectStore({ versioning: false }));
    expect(nested).toBe(
      "seawall:objectStore.versioning = false: unknown key; the keys allowed here are bucketName, prefix, replication, replicationTimeControl, lifecycle, objectLock, accessLogging, intelligentTiering",
    );
  });

  it("lists every problem at once, with a fix", () => {
    const config: Record<string, string> = { ...prod(), "seawall:cloud": "oracle", "seawall:colour": "blue" };
    delete config["seawall:owner"];
    let error: unknown;
    try {
      parseStackConfig("prod-aws", config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid configuration for stack "prod-aws" \(3 problems\):\n/);
    expect(message).toContain('  - seawall:cloud = "oracle": must be one of');
    expect(message).toContain("  - seawall:owner = (not set): required (string)");
    expect(message).toContain('  - seawall:colour = "blue": unknown key');
    expect(message).toContain("pulumi config set <key> <value> --stack prod-aws");
  });

  it.each<[string, Record<string, string>]>([
    [
      "a missing key",
      (() => {
        const c = prod();
        delete c["seawall:environment"];
        return c;
      })(),
    ],
    ["an unknown cloud", { ...prod(), "seawall:cloud": "oracle" }],
    ["the replica in the primary region", { ...prod(), "seawall:replicaRegion": "us-east-1" }],
    [
      "lifecycle days out of order",
      withObjectStore({ lifecycle: { infrequentAccessAfterDays: 60, archiveAfterDays: 45 } }),
    ],
    ["an unknown key", { ...prod(), "seawall:colour": "blue" }],
  ])("registers no resource when the config has %s", async (_what, config) => {
    const { resources, thrown } = await run("prod-aws", config);
    expect(thrown).toBeInstanceOf(StackConfigError);
    expect(resources).toEqual([]);
  });
});
