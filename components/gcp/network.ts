import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, isKnown, Problems } from "../validation";
import { checkPrivateCidr } from "../cidr";
import { isPortEntry, KAFKA_PORTS, overlaps, parseCidr, REDIS_PORTS, VALKEY_PORTS } from "./networkPlan";

/** A VPC network and regional subnets the platform team already has. */
export interface GcpExistingNetwork {
  /** The network's id, `projects/<project>/global/networks/<name>`. */
  networkId: pulumi.Input<string>;
  /**
   * Subnets in the component's region. Managed Kafka takes its Private Service Connect addresses
   * from them, and the Memorystore service connection policy allocates from them.
   */
  subnetIds: pulumi.Input<string>[];
  /**
   * The primary ranges of `subnetIds`, which the service endpoints take their addresses from. The
   * egress rules that admit only the clients to the service ports are written against them.
   * @defaultValue - none: no service-port firewall rules are created; the network's own rules apply
   */
  serviceCidrs?: string[];
}

/** The VPC network the component creates: regional routing, no automatic subnets. */
export interface GcpVpcArgs {
  /**
   * The primary range of the workloads subnet (GKE nodes, the stage workers), an RFC 1918 network
   * from /8 to /29.
   * @defaultValue "10.10.0.0/20"
   */
  workloadsCidr?: string;
  /**
   * The primary range of the services subnet, where Managed Kafka's and Memorystore for Valkey's
   * Private Service Connect endpoints take their addresses.
   * @defaultValue "10.10.16.0/24"
   */
  servicesCidr?: string;
}

/** VPC Flow Logs on the subnets the component creates. */
export interface GcpFlowLogsArgs {
  /**
   * The share of flows recorded, above 0 and at most 1.
   * @defaultValue 0.5
   */
  flowSampling?: number;
  /**
   * How long flows are aggregated before a log entry is written.
   * @defaultValue "INTERVAL_5_SEC"
   */
  aggregationInterval?:
    | "INTERVAL_5_SEC"
    | "INTERVAL_30_SEC"
    | "INTERVAL_1_MIN"
    | "INTERVAL_5_MIN"
    | "INTERVAL_10_MIN"
    | "INTERVAL_15_MIN";
}

/** Cloud NAT for the workloads subnet, for workloads that must reach the internet. */
export interface GcpNatArgs {
  /**
   * Minimum ports per VM for NAT translations.
   * @defaultValue 64
   */
  minPortsPerVm?: number;
}

/**
 * The workloads the firewall admits to the services: instances with one of these network tags, or
 * running as one of these service accounts (a firewall rule takes one kind, not both).
 */
export type GcpClients = { tags: string[] } | { serviceAccounts: pulumi.Input<string>[] };

/** How the feature store reaches the network. */
export interface GcpFeatureStoreConnectivity {
  /**
   * `valkey`: a service connection policy (service class `gcp-memorystore`) that lets Memorystore
   * for Valkey create its Private Service Connect endpoints in the services subnet. `redis`: private
   * service access (an allocated range peered with `servicenetworking.googleapis.com`), which
   * Memorystore for Redis uses.
   * @defaultValue "valkey"
   */
  connectivity?: "valkey" | "redis";
  /**
   * Ports the clients may reach.
   * @defaultValue ["6379", "11000-13047"] for Valkey, ["6378", "6379"] for Redis
   */
  ports?: string[];
  /**
   * The range allocated to private service access (Redis only), an RFC 1918 network from /16 to /24.
   * @defaultValue "10.10.32.0/20"
   */
  peeringCidr?: string;
}

export interface GcpNetworkArgs {
  /**
   * The region of the subnets, the router and the service connection policy.
   * @defaultValue the provider's `gcp:region`
   */
  region?: string;
  /**
   * The network: created with a workloads and a services subnet (`args`), or brought (`existing`).
   * There is no `skip`: Managed Kafka and Memorystore attach to a VPC network.
   * @defaultValue { args: {} }
   */
  network?: { existing: GcpExistingNetwork } | { args: GcpVpcArgs };
  /**
   * Who may reach the services' ports.
   * @defaultValue { tags: ["seawall-client"] }
   */
  clients?: GcpClients;
  /**
   * Egress rules for Managed Kafka: only the clients reach `ports` on the services subnet.
   * @defaultValue { ports: ["9092"] }
   */
  kafka?: { ports?: string[] } | { skip: true };
  /**
   * The feature store's connectivity and its egress rules.
   * @defaultValue { connectivity: "valkey" }
   */
  featureStore?: GcpFeatureStoreConnectivity | { skip: true };
  /**
   * VPC Flow Logs on the subnets the component creates (a brought network keeps its own setting).
   * @defaultValue { args: {} }
   */
  flowLogs?: { args: GcpFlowLogsArgs } | { skip: true };
  /**
   * Cloud NAT (a Cloud Router and a NAT gateway) for the workloads subnet. Without it, workloads reach
   * Google APIs through Private Google Access and nothing else outside the network.
   * @defaultValue { skip: true }
   */
  nat?: { args: GcpNatArgs } | { skip: true };
  /** The project. @defaultValue the provider's project */
  project?: pulumi.Input<string>;
}

const DEFAULTS = {
  workloadsCidr: "10.10.0.0/20",
  servicesCidr: "10.10.16.0/24",
  peeringCidr: "10.10.32.0/20",
  clientTag: "seawall-client",
};

const INTERVALS = [
  "INTERVAL_5_SEC",
  "INTERVAL_30_SEC",
  "INTERVAL_1_MIN",
  "INTERVAL_5_MIN",
  "INTERVAL_10_MIN",
  "INTERVAL_15_MIN",
];

const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;
const NETWORK_TAG = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

function checkPorts(p: Problems, field: string, ports: unknown): void {
  if (ports === undefined) return;
  if (!Array.isArray(ports) || ports.length === 0 || !ports.every(isPortEntry)) {
    p.add(
      "SEAWALL_GCP_NETWORK_PORTS",
      field,
      ports,
      'must be a non-empty list of ports ("9092") or ranges ("11000-13047") from 1 to 65535',
    );
  }
}

/** Checks a CIDR: an RFC 1918 network with a prefix in [min, max]; returns it when good. */
const checkCidr = (p: Problems, field: string, value: unknown, min: number, max: number) =>
  checkPrivateCidr(p, "SEAWALL_GCP_NETWORK_CIDR", field, value, min, max);

/**
 * Checks a {@link GcpNetworkArgs} and throws one error listing every problem.
 * @param providerRegion the provider's `gcp:region`, used when `args.region` is unset
 */
export function validateGcpNetworkArgs(args: GcpNetworkArgs, providerRegion?: string): void {
  const p = new Problems();
  const region = args.region ?? providerRegion;
  if (typeof region !== "string" || !REGION.test(region)) {
    p.add(
      "SEAWALL_GCP_NETWORK_REGION",
      "region",
      args.region,
      'set a Google Cloud region such as "europe-west1", here or as the provider\'s gcp:region',
    );
  }
  const form =
    args.network === undefined
      ? "args"
      : helperChoice(p, "network", args.network, ["existing", "args"], {
          why: "Managed Kafka and Memorystore attach to a VPC network",
        });
  const ranges: [string, NonNullable<ReturnType<typeof parseCidr>>][] = [];
  if (form === "existing") {
    const existing = (args.network as { existing: Partial<GcpExistingNetwork> }).existing;
    if (!Array.isArray(existing.subnetIds) || existing.subnetIds.length === 0) {
      p.add(
        "SEAWALL_GCP_NETWORK_SUBNETS",
        "network.existing.subnetIds",
        existing.subnetIds,
        "give at least one subnet in the region: Managed Kafka and Memorystore take addresses from it",
      );
    }
    if (existing.serviceCidrs !== undefined) {
      if (!Array.isArray(existing.serviceCidrs) || existing.serviceCidrs.length === 0) {
        p.add(
          "SEAWALL_GCP_NETWORK_CIDR",
          "network.existing.serviceCidrs",
          existing.serviceCidrs,
          "give the subnets' primary ranges, or leave serviceCidrs unset to create no service-port rules",
        );
      } else {
        existing.serviceCidrs.forEach((c, i) =>
          checkCidr(p, `network.existing.serviceCidrs[${i}]`, c, 8, 29),
        );
      }
    }
  } else if (form === "args") {
    const v: GcpVpcArgs = (args.network as { args?: GcpVpcArgs } | undefined)?.args ?? {};
    const workloads = checkCidr(
      p,
      "network.args.workloadsCidr",
      v.workloadsCidr ?? DEFAULTS.workloadsCidr,
      8,
      29,
    );
    const services = checkCidr(
      p,
      "network.args.servicesCidr",
      v.servicesCidr ?? DEFAULTS.servicesCidr,
      8,
      29,
    );
    if (workloads) ranges.push(["network.args.workloadsCidr", workloads]);
    if (services) ranges.push(["network.args.servicesCidr", services]);
  }

  const clients = args.clients as Record<string, unknown> | undefined;
  if (clients !== undefined) {
    const keys = clients && typeof clients === "object" ? Object.keys(clients) : [];
    const list = keys.length === 1 ? clients[keys[0]] : undefined;
    if (
      keys.length !== 1 ||
      !["tags", "serviceAccounts"].includes(keys[0]) ||
      !Array.isArray(list) ||
      list.length === 0
    ) {
      p.add(
        "SEAWALL_GCP_NETWORK_CLIENTS",
        "clients",
        clients,
        "give exactly one of { tags: [...] } or { serviceAccounts: [...] }, non-empty: a firewall rule targets tags or service accounts, not both",
      );
    } else if (keys[0] === "tags") {
      list.forEach((tag, i) => {
        if (isKnown(tag) && (typeof tag !== "string" || !NETWORK_TAG.test(tag))) {
          p.add(
            "SEAWALL_GCP_NETWORK_CLIENTS",
            `clients.tags[${i}]`,
            tag,
            "a network tag is 1-63 lower-case letters, digits and hyphens, starting with a letter",
          );
        }
      });
    }
  }

  if (args.kafka !== undefined && !("skip" in args.kafka && args.kafka.skip === true)) {
    checkPorts(p, "kafka.ports", (args.kafka as { ports?: unknown }).ports);
  }

  const fs = args.featureStore;
  if (fs !== undefined && !("skip" in fs && fs.skip === true)) {
    const f = fs as GcpFeatureStoreConnectivity;
    if (f.connectivity !== undefined && f.connectivity !== "valkey" && f.connectivity !== "redis") {
      p.add(
        "SEAWALL_GCP_NETWORK_CONNECTIVITY",
        "featureStore.connectivity",
        f.connectivity,
        'must be "valkey" (a service connection policy for Memorystore for Valkey) or "redis" (private service access for Memorystore for Redis)',
      );
    }
    checkPorts(p, "featureStore.ports", f.ports);
    if (f.peeringCidr !== undefined && f.connectivity !== "redis") {
      p.add(
        "SEAWALL_GCP_NETWORK_CONNECTIVITY",
        "featureStore.peeringCidr",
        f.peeringCidr,
        'a private service access range is for connectivity "redis" only; drop it, or set connectivity: "redis"',
      );
    } else if (f.connectivity === "redis") {
      const peering = checkCidr(p, "featureStore.peeringCidr", f.peeringCidr ?? DEFAULTS.peeringCidr, 16, 24);
      if (peering && form !== "existing") ranges.push(["featureStore.peeringCidr", peering]);
    }
  }

  ranges.forEach(([field, c], i) => {
    const clash = ranges.slice(0, i).find(([, other]) => overlaps(c, other));
    if (clash) {
      p.add(
        "SEAWALL_GCP_NETWORK_CIDR_OVERLAP",
        field,
        `${c.address >>> 24}.${(c.address >>> 16) & 255}.${(c.address >>> 8) & 255}.${c.address & 255}/${c.prefixLength}`,
        `overlaps ${clash[0]}; give each range its own addresses`,
      );
    }
  });

  const flow = args.flowLogs;
  if (flow !== undefined && helperChoice(p, "flowLogs", flow, ["args", "skip"]) === "args") {
    const f = (flow as { args: GcpFlowLogsArgs }).args;
    if (
      f.flowSampling !== undefined &&
      (typeof f.flowSampling !== "number" || !(f.flowSampling > 0 && f.flowSampling <= 1))
    ) {
      p.add(
        "SEAWALL_GCP_NETWORK_FLOW_LOGS",
        "flowLogs.args.flowSampling",
        f.flowSampling,
        "must be above 0 and at most 1 (the share of flows recorded); to record none, use { skip: true }",
      );
    }
    if (f.aggregationInterval !== undefined && !INTERVALS.includes(f.aggregationInterval)) {
      p.add(
        "SEAWALL_GCP_NETWORK_FLOW_LOGS",
        "flowLogs.args.aggregationInterval",
        f.aggregationInterval,
        `must be one of ${INTERVALS.join(", ")}`,
      );
    }
  }
  const nat = args.nat;
  if (nat !== undefined && helperChoice(p, "nat", nat, ["args", "skip"]) === "args") {
    p.wholeNumber(
      "SEAWALL_GCP_NETWORK_NAT_PORTS",
      "nat.args.minPortsPerVm",
      (nat as { args: GcpNatArgs }).args.minPortsPerVm,
      2,
      65536,
      "Cloud NAT allocates 2 to 65536 ports per VM",
    );
  }
  p.throwIfAny("seawall:gcp:Network");
}

/**
 * A VPC network for the GCP data platform: regional routing and no automatic subnets; a workloads
 * and a services subnet with Private Google Access and flow logs; a service connection policy for
 * Memorystore for Valkey (or private service access for Memorystore for Redis); Cloud NAT only when
 * asked. Firewall: an explicit, logged deny of all ingress at the lowest priority, and for each
 * service an egress allow from the clients (network tag or service account) to the service ports on
 * the services subnet, above an egress deny of those ports for every other instance. Managed Kafka
 * and Memorystore for Valkey are reached through Private Service Connect endpoints, which ingress
 * rules do not govern, so the client-only rule is an egress rule on the callers.
 */
export class Network extends pulumi.ComponentResource {
  /** The network's id, `projects/<project>/global/networks/<name>`. */
  readonly networkId: pulumi.Output<string>;
  /** Every subnet: the workloads subnet then the services subnet (or the brought ones). */
  readonly subnetIds: pulumi.Output<string[]>;
  /** The subnet the workloads run in; the first brought subnet for a brought network. */
  readonly workloadsSubnetId: pulumi.Output<string>;
  /** The subnets Managed Kafka's `networkConfigs` take (the services subnet, or the brought ones). */
  readonly kafkaSubnetIds: pulumi.Output<string[]>;
  /** The region of the subnets. */
  readonly region: string;
  /** The clients the firewall admits. */
  readonly clients: GcpClients;
  readonly kafkaPorts?: string[];
  readonly featureStorePorts?: string[];
  /** `valkey` or `redis`: how the feature store connects; unset when skipped. */
  readonly featureStoreConnectivity?: "valkey" | "redis";
  /** The Memorystore for Valkey service connection policy: `dependsOn` it from the instance. */
  readonly serviceConnectionPolicy?: gcp.networkconnectivity.ServiceConnectionPolicy;
  /** The private service access connection: `dependsOn` it from a Memorystore for Redis instance. */
  readonly privateServiceAccess?: gcp.servicenetworking.Connection;
  /** The name of the range allocated to private service access (`reservedIpRange` of a Redis instance). */
  readonly privateServiceAccessRange?: pulumi.Output<string>;

  constructor(name: string, args: GcpNetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:Network", name, {}, opts);
    const providerRegion = new pulumi.Config("gcp").get("region");
    validateGcpNetworkArgs(args, providerRegion);
    const region = (args.region ?? providerRegion) as string;
    this.region = region;
    const project = args.project;
    const parent = { parent: this };
    const option = args.network ?? { args: {} };

    let serviceRanges: string[] | undefined;
    let pscSubnets: pulumi.Input<string>[];
    if ("existing" in option) {
      this.networkId = pulumi.output(option.existing.networkId);
      this.subnetIds = pulumi.output(option.existing.subnetIds);
      this.workloadsSubnetId = pulumi.output(option.existing.subnetIds[0]);
      this.kafkaSubnetIds = this.subnetIds;
      pscSubnets = option.existing.subnetIds;
      serviceRanges = option.existing.serviceCidrs;
    } else {
      const v = option.args;
      const network = new gcp.compute.Network(
        name,
        {
          autoCreateSubnetworks: false,
          routingMode: "REGIONAL",
          description: `Seawall data platform network ${name}`,
          project,
        },
        parent,
      );
      const flow = args.flowLogs ?? { args: {} };
      const logConfig =
        "args" in flow
          ? {
              aggregationInterval: flow.args.aggregationInterval ?? "INTERVAL_5_SEC",
              flowSampling: flow.args.flowSampling ?? 0.5,
              metadata: "INCLUDE_ALL_METADATA",
            }
          : undefined;
      const subnet = (suffix: string, cidr: string) =>
        new gcp.compute.Subnetwork(
          `${name}-${suffix}`,
          {
            network: network.id,
            region,
            ipCidrRange: cidr,
            privateIpGoogleAccess: true,
            stackType: "IPV4_ONLY",
            logConfig,
            project,
          },
          parent,
        );
      const servicesCidr = v.servicesCidr ?? DEFAULTS.servicesCidr;
      const workloads = subnet("workloads", v.workloadsCidr ?? DEFAULTS.workloadsCidr);
      const services = subnet("services", servicesCidr);
      this.networkId = network.id;
      this.subnetIds = pulumi.all([workloads.id, services.id]);
      this.workloadsSubnetId = workloads.id;
      this.kafkaSubnetIds = pulumi.all([services.id]);
      pscSubnets = [services.id];
      serviceRanges = [servicesCidr];

      const nat = args.nat ?? { skip: true };
      if ("args" in nat) {
        const router = new gcp.compute.Router(
          `${name}-router`,
          { network: network.id, region, project },
          parent,
        );
        new gcp.compute.RouterNat(
          `${name}-nat`,
          {
            router: router.name,
            region,
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
            subnetworks: [{ name: workloads.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
            minPortsPerVm: nat.args.minPortsPerVm ?? 64,
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
            project,
          },
          parent,
        );
      }
    }

    // Ingress: nothing enters unless a higher-priority rule says so; logged, unlike the implied rule.
    new gcp.compute.Firewall(
      `${name}-deny-ingress`,
      {
        network: this.networkId,
        direction: "INGRESS",
        priority: 65534,
        denies: [{ protocol: "all" }],
        sourceRanges: ["0.0.0.0/0"],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        description: "Seawall: deny all ingress by default",
        project,
      },
      parent,
    );

    const clients = args.clients ?? { tags: [DEFAULTS.clientTag] };
    this.clients = clients;
    const serviceRules = (service: string, ports: string[], ranges: pulumi.Input<string>[]) => {
      const common = {
        network: this.networkId,
        direction: "EGRESS",
        destinationRanges: ranges,
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        project,
      };
      new gcp.compute.Firewall(
        `${name}-${service}-clients`,
        {
          ...common,
          priority: 1000,
          allows: [{ protocol: "tcp", ports }],
          ...("tags" in clients
            ? { targetTags: clients.tags }
            : { targetServiceAccounts: clients.serviceAccounts }),
          description: `Seawall: only the platform's clients reach ${service} on ${ports.join(", ")}`,
        },
        parent,
      );
      new gcp.compute.Firewall(
        `${name}-${service}-others`,
        {
          ...common,
          priority: 1100,
          denies: [{ protocol: "tcp", ports }],
          description: `Seawall: no other instance reaches ${service} on ${ports.join(", ")}`,
        },
        parent,
      );
    };

    const kafka = args.kafka ?? {};
    if (!("skip" in kafka)) {
      this.kafkaPorts = kafka.ports ?? KAFKA_PORTS;
      if (serviceRanges) serviceRules("kafka", this.kafkaPorts, serviceRanges);
    }

    const fs = args.featureStore ?? {};
    if (!("skip" in fs)) {
      const connectivity = fs.connectivity ?? "valkey";
      this.featureStoreConnectivity = connectivity;
      this.featureStorePorts = fs.ports ?? (connectivity === "valkey" ? VALKEY_PORTS : REDIS_PORTS);
      if (connectivity === "valkey") {
        this.serviceConnectionPolicy = new gcp.networkconnectivity.ServiceConnectionPolicy(
          `${name}-memorystore`,
          {
            location: region,
            network: this.networkId,
            serviceClass: "gcp-memorystore",
            description: "Seawall: Memorystore for Valkey endpoints in the services subnet",
            pscConfig: { subnetworks: pscSubnets },
            project,
          },
          parent,
        );
        if (serviceRanges) serviceRules("featurestore", this.featureStorePorts, serviceRanges);
      } else {
        const peeringCidr = parseCidr(fs.peeringCidr ?? DEFAULTS.peeringCidr)!;
        const [a] = (fs.peeringCidr ?? DEFAULTS.peeringCidr).split("/");
        const range = new gcp.compute.GlobalAddress(
          `${name}-psa`,
          {
            network: this.networkId,
            purpose: "VPC_PEERING",
            addressType: "INTERNAL",
            address: a,
            prefixLength: peeringCidr.prefixLength,
            description: "Seawall: private service access range for Memorystore for Redis",
            project,
          },
          parent,
        );
        this.privateServiceAccessRange = range.name;
        this.privateServiceAccess = new gcp.servicenetworking.Connection(
          `${name}-psa`,
          {
            network: this.networkId,
            service: "servicenetworking.googleapis.com",
            reservedPeeringRanges: [range.name],
          },
          parent,
        );
        serviceRules("featurestore", this.featureStorePorts, [fs.peeringCidr ?? DEFAULTS.peeringCidr]);
      }
    }

    this.registerOutputs({
      networkId: this.networkId,
      subnetIds: this.subnetIds,
      kafkaSubnetIds: this.kafkaSubnetIds,
    });
  }
}
