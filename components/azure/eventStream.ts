import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { KafkaConnection, KafkaTopic } from "../contracts";
import { isKnown, Problems } from "../validation";
import {
  bootstrapServer,
  EVENT_HUB_NAME,
  EVENT_HUBS_DATA_RECEIVER_ROLE,
  EVENT_HUBS_DATA_SENDER_ROLE,
  EVENT_HUBS_TIERS,
  EventHubsTier,
  LOCATION,
  MAX_THROUGHPUT_UNITS,
  NAMESPACE_NAME,
  PIPELINE_CONSUMER_GROUPS,
  PRINCIPAL_ID,
  PRIVATE_LINK_GROUP,
  retentionDescription,
  roleDefinitionId,
  TIER_LIMITS,
} from "./eventStreamConfig";
import { AzurePrivateEndpointArgs, checkPrivateEndpoint, privateEndpoint } from "./privateEndpoint";
import { azureKeyVaultKey, AzureKeyVaultKeyOption, checkAzureKeyVaultKeyOption } from "./keyVaultKey";

export interface EventStreamArgs {
  /** The resource group of the namespace, its event hubs, endpoint and key. */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure region, e.g. `westeurope`. @defaultValue - the provider's location (`azure-native:location`) */
  location?: string;
  /**
   * The namespace's name, the first label of `<name>.servicebus.windows.net`: 6 to 50 letters,
   * digits and hyphens, unique across Azure.
   * @defaultValue - auto-named from the component's name
   */
  namespaceName?: string;
  /**
   * The tier: `Premium` (processing units, customer-managed key, isolated) or `Standard`
   * (throughput units; Event Hubs offers no customer-managed key on Standard). Basic has no Kafka
   * endpoint. See https://learn.microsoft.com/azure/event-hubs/compare-tiers
   * @defaultValue "Premium"
   */
  tier?: EventHubsTier;
  /** Throughput units (Standard, 1 to 40) or processing units (Premium: 1, 2, 4, 8 or 16). @defaultValue 1 */
  capacity?: number;
  /**
   * Standard only: the ceiling auto-inflate may raise throughput units to (capacity to 40); 0
   * turns auto-inflate off. Premium scales by processing units and has no auto-inflate.
   * @defaultValue 0
   */
  maxThroughputUnits?: number;
  /** Topics: one event hub each, with its partitions and retention or compaction. @defaultValue [] */
  topics?: KafkaTopic[];
  /**
   * Consumer groups to create, each on a declared topic.
   * @defaultValue - the pipeline's groups as the runtime names them (`seawall-<stage>` on the
   * stage's input topic), for the topics that are declared
   */
  consumerGroups?: { group: string; topic: string }[];
  /**
   * Principal (object) ids of the workloads' identities, each granted "Azure Event Hubs Data
   * Sender" and "Azure Event Hubs Data Receiver" on the namespace: SAS keys are disabled, so these
   * roles are the only way in. @defaultValue []
   */
  clientPrincipalIds?: pulumi.Input<string>[];
  /** The private endpoint clients connect through: public network access is disabled. */
  privateEndpoint: AzurePrivateEndpointArgs;
  /**
   * Geo-disaster recovery: a secondary namespace of the same tier in `location`, paired through an
   * alias (`eventhub.DisasterRecoveryConfig`). It replicates metadata (event hubs, consumer groups,
   * settings), not events; a failover points the alias at the secondary. Event Hubs geo-replication
   * of the events themselves (Premium) needs an API version (2024-05-01-preview or later) that is
   * not azure-native 3.28's default, so it is not offered here.
   * @defaultValue - none
   */
  geoDisasterRecovery?: {
    /** The secondary's region, another than the namespace's (its paired region). */
    location: string;
    /** The secondary's private endpoint, in a subnet of that region. */
    privateEndpoint?: AzurePrivateEndpointArgs;
    /** The secondary's customer-managed key (Premium), a key in its region. @defaultValue - a new vault and key there */
    customerManagedKey?: AzureKeyVaultKeyOption;
  };
  /**
   * The customer-managed key of the namespace's data (Premium only; infrastructure encryption on
   * too). Standard has no customer-managed key: leave it unset (Microsoft-managed keys) or skip.
   * @defaultValue - Premium: a Key Vault and key with a user-assigned identity granted it; Standard: none
   */
  customerManagedKey?: AzureKeyVaultKeyOption;
  /** Protect the namespace, its event hubs and key from deletion (`protect`). @defaultValue true */
  protect?: boolean;
  /** Tags on every resource. @defaultValue {} */
  tags?: Record<string, string>;
}

const DEFAULTS = { tier: "Premium" as EventHubsTier, capacity: 1, maxThroughputUnits: 0 };

/**
 * Checks an {@link EventStreamArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `location` is the resolved location.
 */
export function validateEventStreamArgs(
  args: EventStreamArgs,
  location: string | undefined = args.location,
): void {
  const p = new Problems();
  if (location === undefined || !LOCATION.test(location)) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_LOCATION",
      "location",
      location,
      'set location (or the azure-native:location config) to an Azure region name such as "westeurope"',
    );
  }
  if (args.namespaceName !== undefined && !NAMESPACE_NAME.test(args.namespaceName)) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_NAMESPACE_NAME",
      "namespaceName",
      args.namespaceName,
      "must be 6-50 letters, digits and hyphens, start with a letter and end with a letter or digit",
    );
  }
  const tierOk = args.tier === undefined || (EVENT_HUBS_TIERS as readonly string[]).includes(args.tier);
  if (!tierOk) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_TIER",
      "tier",
      args.tier,
      'must be "Standard" or "Premium"; Basic has no Kafka endpoint, one consumer group and one day of retention',
    );
  }
  const tier = tierOk ? (args.tier ?? DEFAULTS.tier) : undefined;
  const limits = tier ? TIER_LIMITS[tier] : undefined;
  const capacity = args.capacity ?? DEFAULTS.capacity;
  if (limits && (!Number.isInteger(capacity) || !limits.capacities.includes(capacity))) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_CAPACITY",
      "capacity",
      args.capacity,
      tier === "Premium"
        ? "Premium takes 1, 2, 4, 8 or 16 processing units"
        : "Standard takes 1 to 40 throughput units",
    );
  }
  const maxTu = args.maxThroughputUnits;
  if (maxTu !== undefined && maxTu !== 0) {
    if (tier === "Premium") {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE",
        "maxThroughputUnits",
        maxTu,
        "Premium has no auto-inflate (it scales by processing units): leave it unset or 0",
      );
    } else if (!Number.isInteger(maxTu) || maxTu < capacity || maxTu > MAX_THROUGHPUT_UNITS) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE",
        "maxThroughputUnits",
        maxTu,
        `must be 0 (auto-inflate off) or a whole number from the capacity (${capacity}) to ${MAX_THROUGHPUT_UNITS}`,
      );
    }
  }
  const topics = args.topics ?? [];
  if (limits && topics.length > limits.maxEventHubs) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_TOPIC_COUNT",
      "topics",
      topics.length,
      `${tier} takes at most ${limits.maxEventHubs} event hubs per namespace${tier === "Standard" ? "; use Premium" : " per processing unit"}`,
    );
  }
  const seen = new Set<string>();
  topics.forEach((t, i) => {
    const f = `topics[${i}]`;
    if (typeof t.name !== "string" || !EVENT_HUB_NAME.test(t.name)) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_NAME",
        `${f}.name`,
        t.name,
        "must be 1-256 letters, digits, dots, underscores or hyphens, starting and ending with a letter or digit (an event hub name)",
      );
    } else if (seen.has(t.name)) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE",
        `${f}.name`,
        t.name,
        "is declared twice; declare each topic once",
      );
    }
    seen.add(t.name);
    const maxPartitions = limits?.maxPartitions ?? 100;
    if (t.partitions === undefined) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS",
        `${f}.partitions`,
        t.partitions,
        "set the number of partitions (1 or more)",
      );
    }
    p.wholeNumber(
      "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS",
      `${f}.partitions`,
      t.partitions,
      1,
      maxPartitions,
      `Event Hubs ${tier ?? ""} takes at most ${maxPartitions} partitions per event hub`,
    );
    if (t.compaction && t.retentionHours !== undefined) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_COMPACT_RETENTION",
        `${f}.retentionHours`,
        t.retentionHours,
        "a compacted event hub keeps the latest event per key with no time limit, and Event Hubs has no compact-and-delete policy: remove retentionHours or compaction",
      );
    } else {
      const maxHours = limits?.maxRetentionHours ?? 2160;
      p.wholeNumber(
        "SEAWALL_EVENTSTREAM_TOPIC_RETENTION",
        `${f}.retentionHours`,
        t.retentionHours,
        1,
        maxHours,
        `Event Hubs ${tier ?? ""} keeps events at most ${maxHours} hours${tier === "Standard" ? " (7 days); Premium keeps 90 days" : ""}`,
      );
    }
  });
  (args.consumerGroups ?? []).forEach((g, i) => {
    if (
      typeof g.group !== "string" ||
      !/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/.test(g.group) ||
      g.group === "$Default"
    ) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP",
        `consumerGroups[${i}].group`,
        g.group,
        "must be 1-50 letters, digits, dots, underscores or hyphens, starting with a letter or digit",
      );
    }
    if (!seen.has(g.topic)) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP",
        `consumerGroups[${i}].topic`,
        g.topic,
        "is not a declared topic; consumer groups are created on an event hub, so declare the topic",
      );
    }
  });
  if (limits) {
    const perTopic = new Map<string, number>();
    for (const g of args.consumerGroups ?? []) perTopic.set(g.topic, (perTopic.get(g.topic) ?? 0) + 1);
    for (const [topic, count] of perTopic) {
      // $Default is one of the event hub's consumer groups.
      if (count + 1 > limits.maxConsumerGroups) {
        p.add(
          "SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP",
          "consumerGroups",
          topic,
          `${tier} takes at most ${limits.maxConsumerGroups} consumer groups per event hub, $Default included`,
        );
      }
    }
  }
  (args.clientPrincipalIds ?? []).forEach((id, i) => {
    if (isKnown(id) && (typeof id !== "string" || !PRINCIPAL_ID.test(id))) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_PRINCIPAL_ID",
        `clientPrincipalIds[${i}]`,
        id,
        "must be an Entra ID object id (a GUID): the workload identity's principal id",
      );
    }
  });
  checkPrivateEndpoint(
    p,
    "SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT",
    "privateEndpoint",
    args.privateEndpoint,
  );
  const geo = args.geoDisasterRecovery;
  if (geo !== undefined) {
    if (typeof geo.location !== "string" || !LOCATION.test(geo.location) || geo.location === location) {
      p.add(
        "SEAWALL_AZURE_EVENTSTREAM_GEO_LOCATION",
        "geoDisasterRecovery.location",
        geo.location,
        `must be an Azure region other than the namespace's (${location ?? "unset"}), such as its paired region`,
      );
    }
    if (geo.privateEndpoint !== undefined) {
      checkPrivateEndpoint(
        p,
        "SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT",
        "geoDisasterRecovery.privateEndpoint",
        geo.privateEndpoint,
      );
    }
  }
  checkKey(p, "customerManagedKey", args.customerManagedKey, tier);
  if (geo !== undefined) checkKey(p, "geoDisasterRecovery.customerManagedKey", geo.customerManagedKey, tier);
  p.throwIfAny("seawall:azure:EventStream: invalid arguments");
}

function checkKey(
  p: Problems,
  field: string,
  key: AzureKeyVaultKeyOption | undefined,
  tier: EventHubsTier | undefined,
): void {
  if (tier === "Standard" && key !== undefined && !("skip" in key && key.skip === true)) {
    p.add(
      "SEAWALL_AZURE_EVENTSTREAM_CMK_TIER",
      field,
      Object.keys(key).join(", "),
      'Event Hubs Standard has no customer-managed key (Premium and Dedicated do): set tier "Premium", or leave it unset for Microsoft-managed keys',
    );
    return;
  }
  checkAzureKeyVaultKeyOption(p, field, key);
}

/**
 * A Kafka event stream on Azure Event Hubs: a namespace of a tier that speaks Kafka (Standard or
 * Premium), TLS 1.2 or later, SAS (local) authentication disabled so every client authenticates
 * with Entra ID (SASL OAUTHBEARER) and is authorized by the "Azure Event Hubs Data Sender" and
 * "Data Receiver" roles, public network access disabled with a private endpoint, zone redundancy,
 * a customer-managed key with infrastructure encryption on Premium, geo-disaster recovery to a
 * secondary namespace when asked, and an event hub per topic with its partitions and retention (or
 * compaction), with the pipeline's consumer groups.
 *
 * What Kafka (and MSK) offer and Event Hubs does not: a replication factor per topic (Event Hubs
 * keeps three copies of every partition across zones itself, so `replicationFactor` is not used),
 * `min.insync.replicas`, and compact-and-delete topics.
 */
export class EventStream extends pulumi.ComponentResource {
  /** How clients connect: `<namespace>.servicebus.windows.net:9093`, SASL_SSL, OAUTHBEARER with Entra ID tokens. */
  readonly connection: pulumi.Output<KafkaConnection>;
  readonly namespace: azure.eventhub.Namespace;
  /** The namespace's ARM id. */
  readonly namespaceId: pulumi.Output<string>;
  readonly eventHubs: azure.eventhub.EventHub[];
  readonly consumerGroups: azure.eventhub.ConsumerGroup[];
  /** The geo-disaster-recovery alias's name (`<alias>.servicebus.windows.net` follows a failover), when paired. */
  readonly disasterRecoveryAlias?: pulumi.Output<string>;

  constructor(name: string, args: EventStreamArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:EventStream", name, {}, opts);
    const location = args.location ?? azure.config.location;
    validateEventStreamArgs(args, location);
    const tier = args.tier ?? DEFAULTS.tier;
    const protect = args.protect ?? true;
    const tags = { ...args.tags, "seawall-component": "event-stream" };
    const rg = args.resourceGroupName;

    const makeNamespace = (
      child: string,
      at: string,
      keyOption: AzureKeyVaultKeyOption | undefined,
      namespaceName?: string,
    ): azure.eventhub.Namespace => {
      const key =
        tier === "Premium"
          ? azureKeyVaultKey(this, `${child}-key`, keyOption, {
              resourceGroupName: rg,
              location: at,
              protect,
              tags,
            })
          : { grants: [] as pulumi.Resource[], identityId: undefined, keyUri: undefined };
      const maxTu = args.maxThroughputUnits ?? DEFAULTS.maxThroughputUnits;
      return new azure.eventhub.Namespace(
        child,
        {
          resourceGroupName: rg,
          location: at,
          ...(namespaceName ? { namespaceName } : {}),
          sku: { name: tier, tier, capacity: args.capacity ?? DEFAULTS.capacity },
          ...(tier === "Standard"
            ? { isAutoInflateEnabled: maxTu > 0, ...(maxTu > 0 ? { maximumThroughputUnits: maxTu } : {}) }
            : {}),
          kafkaEnabled: true,
          minimumTlsVersion: "1.2",
          disableLocalAuth: true,
          publicNetworkAccess: "Disabled",
          zoneRedundant: true,
          ...(key.identityId && key.keyUri
            ? {
                identity: { type: "UserAssigned", userAssignedIdentities: [key.identityId] },
                encryption: {
                  keySource: "Microsoft.KeyVault",
                  keyVaultProperties: [
                    {
                      keyName: key.keyUri.apply((u) => u.split("/keys/")[1]),
                      keyVaultUri: key.keyUri.apply((u) => `${u.split("/keys/")[0]}/`),
                      identity: { userAssignedIdentity: key.identityId },
                    },
                  ],
                  requireInfrastructureEncryption: true,
                },
              }
            : {}),
          tags,
        },
        // The identity must hold the key before the namespace is encrypted with it.
        { parent: this, protect, dependsOn: key.grants },
      );
    };

    this.namespace = makeNamespace(name, location as string, args.customerManagedKey, args.namespaceName);
    this.namespaceId = this.namespace.id;
    privateEndpoint(this, name, args.privateEndpoint, {
      resourceGroupName: rg,
      location,
      serviceId: this.namespace.id,
      groupId: PRIVATE_LINK_GROUP,
      tags,
    });

    const declared = args.topics ?? [];
    this.eventHubs = declared.map(
      (topic) =>
        new azure.eventhub.EventHub(
          `${name}-topic-${topic.name}`,
          {
            resourceGroupName: rg,
            namespaceName: this.namespace.name,
            eventHubName: topic.name,
            partitionCount: topic.partitions,
            retentionDescription: retentionDescription(topic),
          },
          { parent: this, protect },
        ),
    );
    const hubs = new Map(declared.map((t, i) => [t.name, this.eventHubs[i]]));
    const groups = args.consumerGroups ?? PIPELINE_CONSUMER_GROUPS.filter((g) => hubs.has(g.topic));
    this.consumerGroups = groups.map(
      (g) =>
        new azure.eventhub.ConsumerGroup(
          `${name}-group-${g.topic}-${g.group}`,
          {
            resourceGroupName: rg,
            namespaceName: this.namespace.name,
            // The topic's name, through the event hub's output so the group waits for its hub.
            eventHubName: hubs.get(g.topic)!.name.apply(() => g.topic),
            consumerGroupName: g.group,
          },
          { parent: this },
        ),
    );

    (args.clientPrincipalIds ?? []).forEach((principalId, i) => {
      for (const [role, guid] of [
        ["sender", EVENT_HUBS_DATA_SENDER_ROLE],
        ["receiver", EVENT_HUBS_DATA_RECEIVER_ROLE],
      ] as const) {
        new azure.authorization.RoleAssignment(
          `${name}-client-${i}-${role}`,
          {
            scope: this.namespace.id,
            roleDefinitionId: this.namespace.id.apply((id) => roleDefinitionId(id, guid)),
            principalId,
            principalType: "ServicePrincipal",
          },
          { parent: this },
        );
      }
    });

    const geo = args.geoDisasterRecovery;
    if (geo) {
      const secondary = makeNamespace(`${name}-secondary`, geo.location, geo.customerManagedKey);
      if (geo.privateEndpoint) {
        privateEndpoint(this, `${name}-secondary`, geo.privateEndpoint, {
          resourceGroupName: rg,
          location: geo.location,
          serviceId: secondary.id,
          groupId: PRIVATE_LINK_GROUP,
          tags,
        });
      }
      const pairing = new azure.eventhub.DisasterRecoveryConfig(
        `${name}-geo-dr`,
        {
          resourceGroupName: rg,
          namespaceName: this.namespace.name,
          alias: pulumi.interpolate`${this.namespace.name}-alias`,
          partnerNamespace: secondary.id,
        },
        // The event hubs exist first, so the pairing copies them to the secondary.
        { parent: this, dependsOn: this.eventHubs },
      );
      this.disasterRecoveryAlias = pairing.name;
    }

    this.connection = this.namespace.name.apply((ns) => ({
      bootstrapServers: bootstrapServer(ns),
      securityProtocol: "SASL_SSL" as const,
      saslMechanism: "OAUTHBEARER" as const,
      oauthProvider: "azure" as const,
    }));

    this.registerOutputs({
      connection: this.connection,
      namespaceId: this.namespaceId,
      disasterRecoveryAlias: this.disasterRecoveryAlias,
    });
  }
}
