/**
 * What the platform's cloud-neutral settings mean on Azure: the tags every resource carries, and the
 * settings Azure has no equivalent for (each reported with its field, its value and what to do
 * instead, never silently dropped). Pure: no Pulumi, no `@pulumi/azure-native`.
 */
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";

/**
 * Characters Azure Resource Manager refuses in a tag name. See
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 */
const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;
/** The longest tag name every resource accepts (storage accounts: 128; most others: 512). */
const TAG_NAME_MAX = 128;
/** The longest tag value (storage accounts and most others: 256). */
const TAG_VALUE_MAX = 256;
/** Tags a resource accepts at most. */
const TAGS_MAX = 50;

/**
 * The tags every resource of the Azure platform carries: the AWS tags (`seawall:environment`,
 * `seawall:owner`, `seawall:data-classification`; Azure allows `:` in a tag name), after the
 * platform team's own `tags`. There is no backup tag: a Data Protection backup instance names the
 * storage account it protects, nothing is selected by tag.
 */
export function platformTags(args: DataPlatformArgs, profile: Profile): Record<string, string> {
  return {
    ...args.tags,
    "seawall:environment": profile.environment,
    "seawall:owner": args.owner,
    "seawall:data-classification": args.dataClassification ?? "internal",
  };
}

/**
 * Every platform setting the Azure platform cannot honour, and every tag Azure would reject. Named
 * as the platform's fields (`eventStream.clientAuthentication`, `tags.a/b`).
 */
export function azureSettingProblems(args: DataPlatformArgs): Problem[] {
  const problems: Problem[] = [];
  const unsupported = (field: string, value: unknown, fix: string) =>
    problems.push({ code: "SEAWALL_PLATFORM_AZURE_UNSUPPORTED", field, value, fix });

  if (args.network?.interfaceEndpoints !== undefined)
    unsupported(
      "network.interfaceEndpoints",
      args.network.interfaceEndpoints,
      "AWS interface endpoints have no Azure counterpart here: the Azure network makes private endpoints (with private DNS zones) for Blob, Event Hubs and Redis itself; remove it",
    );

  const store = args.objectStore ?? {};
  if (store.intelligentTiering === true)
    unsupported(
      "objectStore.intelligentTiering",
      store.intelligentTiering,
      "Azure Blob Storage has no Intelligent-Tiering: the lake's lifecycle policy moves blobs to Cool and then Cold by age (objectStore.lifecycle); remove it",
    );
  if (store.lifecycle?.archiveStorageClass !== undefined)
    unsupported(
      "objectStore.lifecycle.archiveStorageClass",
      store.lifecycle.archiveStorageClass,
      "S3 storage classes have no Azure counterpart: archiveAfterDays moves blobs to the Cold tier (zone-redundant accounts have no Archive tier); remove it",
    );
  if (store.replicationTimeControl === true)
    unsupported(
      "objectStore.replicationTimeControl",
      store.replicationTimeControl,
      "Azure object replication copies asynchronously with no replication time control to turn on: remove it",
    );

  const events = args.eventStream ?? {};
  if (events.clientAuthentication === "scram")
    unsupported(
      "eventStream.clientAuthentication",
      events.clientAuthentication,
      'Event Hubs has no SCRAM, and its SAS keys are turned off; clients authenticate with Microsoft Entra ID (SASL OAUTHBEARER): use "iam"',
    );
  if (events.kafkaVersion !== undefined)
    unsupported(
      "eventStream.kafkaVersion",
      events.kafkaVersion,
      "Event Hubs speaks the Kafka protocol (1.0 and later) with no broker version to choose: remove it",
    );

  const tags = Object.entries(args.tags ?? {});
  // Three tags are the platform's own.
  if (tags.length + 3 > TAGS_MAX)
    problems.push({
      code: "SEAWALL_PLATFORM_AZURE_TAG",
      field: "tags",
      value: tags.length,
      fix: `an Azure resource takes at most ${TAGS_MAX} tags, 3 of which the platform sets: keep ${TAGS_MAX - 3} or fewer`,
    });
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > TAG_NAME_MAX || TAG_NAME_FORBIDDEN.test(key))
      problems.push({
        code: "SEAWALL_PLATFORM_AZURE_TAG",
        field: `tags.${key}`,
        value: key,
        fix: `an Azure tag name has 1 to ${TAG_NAME_MAX} characters and none of < > % & \\ ? /: rename the tag`,
      });
    if (value.length > TAG_VALUE_MAX)
      problems.push({
        code: "SEAWALL_PLATFORM_AZURE_TAG",
        field: `tags.${key}`,
        value,
        fix: `an Azure tag value has at most ${TAG_VALUE_MAX} characters: shorten it`,
      });
  }
  if (args.owner.length > TAG_VALUE_MAX)
    problems.push({
      code: "SEAWALL_PLATFORM_AZURE_TAG",
      field: "owner",
      value: args.owner,
      fix: `tagged on every Azure resource as seawall:owner: use at most ${TAG_VALUE_MAX} characters`,
    });
  return problems;
}
