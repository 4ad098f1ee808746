import { evaluatePolicies } from "../../../policies/lib/evaluate";
import { awsAllowedRegions } from "../../../policies/rules/aws/general/awsAllowedRegions";
import { awsRequiredTags } from "../../../policies/rules/aws/general/awsRequiredTags";
import { describeRule, unknown } from "../helpers";

const regions = { allowedRegions: ["us-east-1", "us-west-2"] };
describeRule(awsAllowedRegions, {
  type: "pulumi:providers:aws",
  compliant: [
    { name: "passes a provider in an allowed region", props: { region: "us-west-2" }, config: regions },
    {
      name: "passes a resource without its own region",
      type: "aws:s3/bucket:Bucket",
      props: {},
      config: regions,
    },
    {
      name: "passes a resource with an allowed region",
      type: "aws:s3/bucket:Bucket",
      props: { region: "us-east-1" },
      config: regions,
    },
  ],
  violating: [
    {
      name: "fails a provider in another region",
      props: { region: "eu-west-1" },
      config: regions,
      message: '"eu-west-1" is not one of us-east-1, us-west-2',
    },
    {
      name: "fails a resource that overrides its region",
      type: "aws:kms/key:Key",
      props: { region: "ap-south-1" },
      config: regions,
    },
  ],
  notApplicable: [
    { name: "is not applicable until allowedRegions is configured", props: { region: "eu-west-1" } },
    {
      name: "does not judge another cloud's provider",
      type: "pulumi:providers:gcp",
      props: { region: "eu-west-1" },
      config: regions,
    },
  ],
  unknown: [{ name: "skips when the region is unknown", props: { region: unknown.string }, config: regions }],
});

const tags = { requiredTags: ["owner", "data-classification"] };
describeRule(awsRequiredTags, {
  type: "aws:s3/bucket:Bucket",
  compliant: [
    {
      name: "passes a bucket with every required tag",
      props: { tags: { owner: "data", "data-classification": "internal" } },
      config: tags,
    },
    {
      name: "passes a log group with every required tag",
      type: "aws:cloudwatch/logGroup:LogGroup",
      props: { tags: { owner: "o", "data-classification": "c" } },
      config: tags,
    },
  ],
  violating: [
    {
      name: "fails an untagged bucket",
      props: {},
      config: tags,
      message: "missing tag(s): owner, data-classification",
    },
    {
      name: "fails an empty tag value",
      props: { tags: { owner: "", "data-classification": "c" } },
      config: tags,
      message: "missing tag(s): owner",
    },
    {
      name: "fails a KMS key missing one tag",
      type: "aws:kms/key:Key",
      props: { tags: { owner: "o" } },
      config: tags,
    },
  ],
  notApplicable: [
    { name: "is not applicable until requiredTags is configured", props: {} },
    {
      name: "does not judge resources outside the stateful list",
      type: "aws:iam/role:Role",
      props: {},
      config: tags,
    },
  ],
  unknown: [{ name: "skips when the tags are unknown", props: { tags: unknown.object }, config: tags }],
});

describe("awsRequiredTags and the provider's defaultTags", () => {
  it("merges the explicit provider's defaultTags under the resource's tags", async () => {
    const provider = {
      type: "pulumi:providers:aws",
      name: "p",
      urn: "urn:p",
      props: { defaultTags: { tags: { owner: "data" } } },
    };
    const bucket = {
      type: "aws:s3/bucket:Bucket",
      name: "b",
      props: { tags: { "data-classification": "internal" } },
      provider: "urn:p",
    };
    const result = await evaluatePolicies([awsRequiredTags()], [provider, bucket], { awsRequiredTags: tags });
    expect(result.violations).toEqual([]);
    const without = await evaluatePolicies(
      [awsRequiredTags()],
      [provider, { ...bucket, provider: undefined }],
      { awsRequiredTags: tags },
    );
    expect(without.violations.map((v) => v.message)).toEqual(["missing tag(s): owner"]);
  });

  it("reads defaultTags as the engine holds them: the JSON text @pulumi/aws registers", async () => {
    const provider = {
      type: "pulumi:providers:aws",
      name: "p",
      urn: "urn:p",
      props: { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { owner: "data" } }) },
    };
    const bucket = {
      type: "aws:s3/bucket:Bucket",
      name: "b",
      props: { tags: { "data-classification": "internal" } },
      provider: "urn:p",
    };
    const result = await evaluatePolicies([awsRequiredTags()], [provider, bucket], { awsRequiredTags: tags });
    expect(result.violations).toEqual([]);
    const unparseable = { ...provider, props: { defaultTags: "{not json" } };
    const broken = await evaluatePolicies([awsRequiredTags()], [unparseable, bucket], {
      awsRequiredTags: tags,
    });
    expect(broken.violations.map((v) => v.message)).toEqual(["missing tag(s): owner"]);
  });
});
