/**
 * What the platform's cloud-neutral settings mean on GCP: the labels every resource carries, and the
 * settings GCP has no equivalent for (each reported with its field, its value and what to do
 * instead, never silently dropped). Pure: no Pulumi, no `@pulumi/gcp`.
 */
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";

/** A GCP label key: starts with a lowercase letter; lowercase letters, digits, `_` and `-`; at most 63. */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** A GCP label value: lowercase letters, digits, `_` and `-`; at most 63 (may be empty). */
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/**
 * The labels every resource of the GCP platform carries: the AWS tags' meaning under GCP's label
 * rules (no `:` in a key, so `seawall-environment` rather than `seawall:environment`), then the
 * platform team's own `tags`, which must already be valid labels. There is no backup label: Backup
 * and DR selects nothing by label, and none of the platform's stores is one it protects.
 */
export function platformLabels(args: DataPlatformArgs, profile: Profile): Record<string, string> {
  return {
    ...args.tags,
    "seawall-environment": profile.environment,
    "seawall-owner": args.owner,
    "seawall-data-classification": args.dataClassification ?? "internal",
  };
}

/**
 * Every platform setting the GCP platform cannot honour, and every label GCP would reject. Named as
 * the platform's fields (`network.interfaceEndpoints`, `tags.Team`).
 */
export function gcpSettingProblems(args: DataPlatformArgs): Problem[] {
  const problems: Problem[] = [];
  const unsupported = (field: string, value: unknown, fix: string) =>
    problems.push({ code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field, value, fix });

  const network = args.network ?? {};
  if (network.cidrBlock !== undefined)
    unsupported(
      "network.cidrBlock",
      network.cidrBlock,
      "a GCP VPC network has no address block of its own, its subnets do (the GCP Network component's workloadsCidr and servicesCidr, 10.10.0.0/20 and 10.10.16.0/24): remove it",
    );
  if (network.interfaceEndpoints !== undefined)
    unsupported(
      "network.interfaceEndpoints",
      network.interfaceEndpoints,
      "AWS interface endpoints have no GCP counterpart: the subnets reach Google APIs through Private Google Access, which the GCP network turns on; remove it",
    );

  const events = args.eventStream ?? {};
  if (events.clientAuthentication === "scram")
    unsupported(
      "eventStream.clientAuthentication",
      events.clientAuthentication,
      'Managed Service for Apache Kafka has no SCRAM; clients authenticate with Google IAM (SASL OAUTHBEARER): use "iam"',
    );
  if (events.kafkaVersion !== undefined)
    unsupported(
      "eventStream.kafkaVersion",
      events.kafkaVersion,
      "Managed Service for Apache Kafka chooses and upgrades the Kafka version itself: remove it",
    );

  for (const [key, value] of Object.entries(args.tags ?? {})) {
    if (!LABEL_KEY.test(key))
      problems.push({
        code: "SEAWALL_PLATFORM_GCP_LABEL",
        field: `tags.${key}`,
        value: key,
        fix: "a GCP label key starts with a lowercase letter and has at most 63 lowercase letters, digits, _ and -: rename the tag",
      });
    if (!LABEL_VALUE.test(value))
      problems.push({
        code: "SEAWALL_PLATFORM_GCP_LABEL",
        field: `tags.${key}`,
        value,
        fix: "a GCP label value has at most 63 lowercase letters, digits, _ and -: change the value",
      });
  }
  if (!LABEL_VALUE.test(args.owner))
    problems.push({
      code: "SEAWALL_PLATFORM_GCP_LABEL",
      field: "owner",
      value: args.owner,
      fix: "labelled on every GCP resource as seawall-owner: use at most 63 lowercase letters, digits, _ and -",
    });
  return problems;
}
