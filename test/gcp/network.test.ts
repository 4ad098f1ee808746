import * as fc from "fast-check";
import { GcpNetworkArgs, Network, validateGcpNetworkArgs } from "../../components/gcp/network";
import { isPortEntry, isPrivate, overlaps, parseCidr } from "../../components/gcp/networkPlan";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  scp: "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy",
  address: "gcp:compute/globalAddress:GlobalAddress",
  psa: "gcp:servicenetworking/connection:Connection",
};

const PROJECT = "seawall-test";
const GCP = { "gcp:project": PROJECT, "gcp:region": "europe-west1" };

async function network(args: GcpNetworkArgs = {}): Promise<Plan> {
  return plan(() => {
    const n = new Network("data", args);
    return { networkId: n.networkId, subnetIds: n.subnetIds, kafkaSubnetIds: n.kafkaSubnetIds };
  }, GCP);
}

const NETWORK_ID = /^projects\/seawall-test\/global\/networks\/data-[0-9a-f]{7}$/;
const LOG_ALL = { metadata: "INCLUDE_ALL_METADATA" };

describe("Network defaults", () => {
  let p: Plan;
  let networkId: string;
  beforeAll(async () => {
    p = await network();
    networkId = p.output("networkId") as string;
  });

  it("creates exactly the network, two subnets, the firewall rules and the Valkey policy", () => {
    expect(p.counts()).toEqual({
      "seawall:gcp:Network": 1,
      [T.network]: 1,
      [T.subnet]: 2,
      [T.firewall]: 5,
      [T.scp]: 1,
    });
  });

  it("creates a custom-mode network with regional routing", () => {
    expect(networkId).toMatch(NETWORK_ID);
    expect(p.one(T.network, "data").inputs).toEqual({
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      description: "Seawall data platform network data",
    });
  });

  it("creates private subnets in the region with Private Google Access and sampled, aggregated flow logs", () => {
    const logConfig = {
      aggregationInterval: "INTERVAL_5_SEC",
      flowSampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    };
    const common = {
      network: networkId,
      region: "europe-west1",
      privateIpGoogleAccess: true,
      stackType: "IPV4_ONLY",
      logConfig,
    };
    expect(p.one(T.subnet, "data-workloads").inputs).toEqual({ ...common, ipCidrRange: "10.10.0.0/20" });
    expect(p.one(T.subnet, "data-services").inputs).toEqual({ ...common, ipCidrRange: "10.10.16.0/24" });
  });

  it("gives Managed Kafka the services subnet and lists both subnets", () => {
    expect(p.output("kafkaSubnetIds")).toEqual([
      expect.stringMatching(/subnetworks\/data-services-[0-9a-f]{7}$/),
    ]);
    expect(p.output("subnetIds")).toEqual([
      expect.stringMatching(/^projects\/seawall-test\/regions\/europe-west1\/subnetworks\/data-workloads-/),
      expect.stringMatching(/^projects\/seawall-test\/regions\/europe-west1\/subnetworks\/data-services-/),
    ]);
  });

  it("denies all ingress at the lowest priority, logged", () => {
    expect(p.one(T.firewall, "data-deny-ingress").inputs).toEqual({
      network: networkId,
      direction: "INGRESS",
      priority: 65534,
      denies: [{ protocol: "all" }],
      sourceRanges: ["0.0.0.0/0"],
      logConfig: LOG_ALL,
      description: "Seawall: deny all ingress by default",
    });
  });

  it("lets only the client tag reach Managed Kafka on 9092 and denies the port to every other instance", () => {
    expect(p.one(T.firewall, "data-kafka-clients").inputs).toEqual({
      network: networkId,
      direction: "EGRESS",
      destinationRanges: ["10.10.16.0/24"],
      logConfig: LOG_ALL,
      priority: 1000,
      allows: [{ protocol: "tcp", ports: ["9092"] }],
      targetTags: ["seawall-client"],
      description: "Seawall: only the platform's clients reach kafka on 9092",
    });
    expect(p.one(T.firewall, "data-kafka-others").inputs).toEqual({
      network: networkId,
      direction: "EGRESS",
      destinationRanges: ["10.10.16.0/24"],
      logConfig: LOG_ALL,
      priority: 1100,
      denies: [{ protocol: "tcp", ports: ["9092"] }],
      description: "Seawall: no other instance reaches kafka on 9092",
    });
  });

  it("lets only the client tag reach Memorystore for Valkey's discovery and node ports", () => {
    expect(p.one(T.firewall, "data-featurestore-clients").inputs).toMatchObject({
      destinationRanges: ["10.10.16.0/24"],
      allows: [{ protocol: "tcp", ports: ["6379", "11000-13047"] }],
      targetTags: ["seawall-client"],
    });
    expect(p.one(T.firewall, "data-featurestore-others").inputs).toMatchObject({
      priority: 1100,
      denies: [{ protocol: "tcp", ports: ["6379", "11000-13047"] }],
    });
  });

  it("creates a service connection policy for Memorystore on the services subnet", () => {
    expect(p.one(T.scp, "data-memorystore").inputs).toEqual({
      location: "europe-west1",
      network: networkId,
      serviceClass: "gcp-memorystore",
      description: "Seawall: Memorystore for Valkey endpoints in the services subnet",
      pscConfig: { subnetworks: p.output("kafkaSubnetIds") },
    });
  });

  it("creates no NAT and no private service access", () => {
    expect(p.ofType(T.router)).toEqual([]);
    expect(p.ofType(T.nat)).toEqual([]);
    expect(p.ofType(T.psa)).toEqual([]);
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = p.one("seawall:gcp:Network", "data");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("data")).toBe(true);
    }
  });
});

describe("Network options", () => {
  it("adds Cloud NAT for the workloads subnet only when asked", async () => {
    const p = await network({ nat: { args: { minPortsPerVm: 128 } } });
    expect(p.one(T.router, "data-router").inputs).toEqual({
      network: p.output("networkId"),
      region: "europe-west1",
    });
    expect(p.one(T.nat, "data-nat").inputs).toEqual({
      router: expect.stringMatching(/^data-router-[0-9a-f]{7}$/),
      region: "europe-west1",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [
        { name: (p.output("subnetIds") as string[])[0], sourceIpRangesToNats: ["ALL_IP_RANGES"] },
      ],
      minPortsPerVm: 128,
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
  });

  it("uses private service access for Memorystore for Redis, and admits clients to its range", async () => {
    const p = await network({ featureStore: { connectivity: "redis" } });
    expect(p.ofType(T.scp)).toEqual([]);
    const range = p.one(T.address, "data-psa");
    expect(range.inputs).toEqual({
      network: p.output("networkId"),
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: "10.10.32.0",
      prefixLength: 20,
      description: "Seawall: private service access range for Memorystore for Redis",
    });
    expect(p.one(T.psa, "data-psa").inputs).toEqual({
      network: p.output("networkId"),
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [expect.stringMatching(/^data-psa-[0-9a-f]{7}$/)],
    });
    expect(p.one(T.firewall, "data-featurestore-clients").inputs).toMatchObject({
      destinationRanges: ["10.10.32.0/20"],
      allows: [{ protocol: "tcp", ports: ["6378", "6379"] }],
    });
  });

  it("admits clients by service account, and takes custom ranges and flow-log settings", async () => {
    const sa = "workers@seawall-test.iam.gserviceaccount.com";
    const p = await network({
      network: { args: { workloadsCidr: "172.16.0.0/16", servicesCidr: "172.17.0.0/24" } },
      clients: { serviceAccounts: [sa] },
      flowLogs: { args: { flowSampling: 1, aggregationInterval: "INTERVAL_1_MIN" } },
      kafka: { ports: ["9092", "9192"] },
    });
    expect(p.one(T.subnet, "data-workloads").inputs.ipCidrRange).toBe("172.16.0.0/16");
    expect(p.one(T.subnet, "data-services").inputs.logConfig).toEqual({
      aggregationInterval: "INTERVAL_1_MIN",
      flowSampling: 1,
      metadata: "INCLUDE_ALL_METADATA",
    });
    const clients = p.one(T.firewall, "data-kafka-clients").inputs;
    expect(clients.targetServiceAccounts).toEqual([sa]);
    expect(clients.targetTags).toBeUndefined();
    expect(clients).toMatchObject({
      destinationRanges: ["172.17.0.0/24"],
      allows: [{ protocol: "tcp", ports: ["9092", "9192"] }],
    });
  });

  it("turns flow logs off only when skipped", async () => {
    const p = await network({
      flowLogs: { skip: true },
      kafka: { skip: true },
      featureStore: { skip: true },
    });
    expect(p.one(T.subnet, "data-services").inputs.logConfig).toBeUndefined();
    expect(p.names(T.firewall)).toEqual(["data-deny-ingress"]);
    expect(p.ofType(T.scp)).toEqual([]);
  });

  it("brings a network: no network or subnets, its subnets to Kafka and the policy, rules on its ranges", async () => {
    const networkId = "projects/host/global/networks/shared";
    const subnetIds = [
      "projects/host/regions/europe-west1/subnetworks/a",
      "projects/host/regions/europe-west1/subnetworks/b",
    ];
    const p = await network({
      network: { existing: { networkId, subnetIds, serviceCidrs: ["10.20.0.0/24"] } },
    });
    expect(p.ofType(T.network)).toEqual([]);
    expect(p.ofType(T.subnet)).toEqual([]);
    expect(p.output("kafkaSubnetIds")).toEqual(subnetIds);
    expect(p.one(T.scp, "data-memorystore").inputs.pscConfig).toEqual({ subnetworks: subnetIds });
    expect(p.one(T.firewall, "data-kafka-clients").inputs).toMatchObject({
      network: networkId,
      destinationRanges: ["10.20.0.0/24"],
    });
  });

  it("creates no service-port rules on a brought network whose ranges it is not told", async () => {
    const p = await network({
      network: { existing: { networkId: "projects/h/global/networks/n", subnetIds: ["s"] } },
    });
    expect(p.names(T.firewall)).toEqual(["data-deny-ingress"]);
  });
});

describe("validateGcpNetworkArgs", () => {
  const v =
    (args: object, region: string | null = "europe-west1") =>
    () =>
      validateGcpNetworkArgs(args as GcpNetworkArgs, region ?? undefined);

  it("accepts the defaults", () => {
    expect(() => v({})()).not.toThrow();
  });

  it("lists every problem with its code and field", () => {
    expect(
      problemsThrownBy(
        v(
          {
            network: { args: { workloadsCidr: "8.8.0.0/16", servicesCidr: "10.10.0.0/30" } },
            clients: { tags: ["Bad_Tag"] },
            kafka: { ports: [] },
            featureStore: { connectivity: "memcached", ports: ["70000"], peeringCidr: "10.1.0.0/20" },
            flowLogs: { args: { flowSampling: 0, aggregationInterval: "INTERVAL_2_SEC" } },
            nat: { args: { minPortsPerVm: 1 } },
          },
          null,
        ),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_NETWORK_REGION", field: "region", value: undefined },
      { code: "SEAWALL_GCP_NETWORK_CIDR", field: "network.args.workloadsCidr", value: "8.8.0.0/16" },
      { code: "SEAWALL_GCP_NETWORK_CIDR", field: "network.args.servicesCidr", value: "10.10.0.0/30" },
      { code: "SEAWALL_GCP_NETWORK_CLIENTS", field: "clients.tags[0]", value: "Bad_Tag" },
      { code: "SEAWALL_GCP_NETWORK_PORTS", field: "kafka.ports", value: [] },
      { code: "SEAWALL_GCP_NETWORK_CONNECTIVITY", field: "featureStore.connectivity", value: "memcached" },
      { code: "SEAWALL_GCP_NETWORK_PORTS", field: "featureStore.ports", value: ["70000"] },
      { code: "SEAWALL_GCP_NETWORK_CONNECTIVITY", field: "featureStore.peeringCidr", value: "10.1.0.0/20" },
      { code: "SEAWALL_GCP_NETWORK_FLOW_LOGS", field: "flowLogs.args.flowSampling", value: 0 },
      {
        code: "SEAWALL_GCP_NETWORK_FLOW_LOGS",
        field: "flowLogs.args.aggregationInterval",
        value: "INTERVAL_2_SEC",
      },
      { code: "SEAWALL_GCP_NETWORK_NAT_PORTS", field: "nat.args.minPortsPerVm", value: 1 },
    ]);
  });

  it("refuses overlapping ranges, the peering range included", () => {
    expect(
      problemsThrownBy(
        v({
          network: { args: { workloadsCidr: "10.0.0.0/16", servicesCidr: "10.0.4.0/24" } },
          featureStore: { connectivity: "redis", peeringCidr: "10.0.0.0/20" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_NETWORK_CIDR_OVERLAP", field: "network.args.servicesCidr", value: "10.0.4.0/24" },
      { code: "SEAWALL_GCP_NETWORK_CIDR_OVERLAP", field: "featureStore.peeringCidr", value: "10.0.0.0/20" },
    ]);
  });

  it("refuses a brought network without subnets, clients of both kinds, and a malformed network option", () => {
    expect(
      problemsThrownBy(
        v({
          network: { existing: { networkId: "n", subnetIds: [], serviceCidrs: ["10.0.0.1/24"] } },
          clients: { tags: ["a"], serviceAccounts: ["b"] },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_NETWORK_SUBNETS", field: "network.existing.subnetIds", value: [] },
      { code: "SEAWALL_GCP_NETWORK_CIDR", field: "network.existing.serviceCidrs[0]", value: "10.0.0.1/24" },
      {
        code: "SEAWALL_GCP_NETWORK_CLIENTS",
        field: "clients",
        value: { tags: ["a"], serviceAccounts: ["b"] },
      },
    ]);
    expect(problemsThrownBy(v({ network: { skip: true } }))).toEqual([
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "network", value: "{ skip: true }" },
    ]);
  });

  it("fails the component before any resource is registered", async () => {
    await expect(network({ clients: { tags: [] } })).rejects.toThrow(
      'clients = {"tags":[]}: give exactly one of { tags: [...] } or { serviceAccounts: [...] }, non-empty',
    );
  });
});

describe("networkPlan", () => {
  it("parses network addresses and refuses host bits", () => {
    expect(parseCidr("10.10.16.0/24")).toEqual({ address: 0x0a0a1000, prefixLength: 24 });
    expect(parseCidr("10.10.16.1/24")).toBeUndefined();
    expect(parseCidr("300.0.0.0/8")).toBeUndefined();
  });

  it("knows the private ranges", () => {
    expect(isPrivate(parseCidr("172.31.0.0/16")!)).toBe(true);
    expect(isPrivate(parseCidr("172.32.0.0/16")!)).toBe(false);
    expect(isPrivate(parseCidr("10.0.0.0/7")!)).toBe(false);
  });

  it("reads ports and port ranges", () => {
    expect(["1", "9092", "11000-13047", "65535"].every(isPortEntry)).toBe(true);
    expect(["0", "65536", "13047-11000", "9092,9093", 9092].some(isPortEntry)).toBe(false);
  });

  it("overlap is symmetric and a network overlaps itself", () => {
    const cidr = fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 30 }))
      .map(([a, n]) => ({ address: a - (a % 2 ** (32 - n)), prefixLength: n }));
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        expect(overlaps(a, a)).toBe(true);
      }),
    );
  });
});
