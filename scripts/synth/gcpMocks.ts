import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Realistic Google Cloud provider behaviour for offline synthesis: resource ids, self links, emails
 * and the provider functions the GCP components call, derived deterministically from the resource's
 * URN and the stack's `gcp:project` / `gcp:region` config, so what flows between resources (a key's
 * id into a bucket's encryption, a service agent's email into a key grant) is real data.
 * Add a case here for each GCP resource whose outputs a component reads.
 */

/** The project and region the default GCP provider uses, from the stack's config. */
export interface GcpMockConfig {
  project: string;
  region: string;
}

/** The project id the mocks use when the stack sets no `gcp:project`. */
export const MOCK_GCP_PROJECT = "seawall-mock";

export function gcpMockConfig(config: Record<string, string> | undefined): GcpMockConfig {
  return {
    project: config?.["gcp:project"] ?? MOCK_GCP_PROJECT,
    region: config?.["gcp:region"] ?? "us-central1",
  };
}

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A project's number: twelve digits, stable per project id. */
export function mockProjectNumber(project: string): string {
  return String(100000000000 + (parseInt(digest(project, 10), 16) % 899999999999));
}

const COMPUTE = "https://www.googleapis.com/compute/v1";

/** Compute collections by resource type, and whether they are regional. */
const COMPUTE_COLLECTIONS: Record<string, [collection: string, regional: boolean]> = {
  "gcp:compute/network:Network": ["networks", false],
  "gcp:compute/subnetwork:Subnetwork": ["subnetworks", true],
  "gcp:compute/firewall:Firewall": ["firewalls", false],
  "gcp:compute/router:Router": ["routers", true],
  "gcp:compute/globalAddress:GlobalAddress": ["addresses", false],
};

export function gcpResource(
  args: pulumi.runtime.MockResourceArgs,
  config: GcpMockConfig,
): { id: string; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, unknown>;
  const seed = `${args.type}::${args.name}`;
  const project = (inputs.project as string | undefined) ?? config.project;
  // Pulumi auto-names GCP resources with the logical name and a random-looking suffix.
  const name = (inputs.name as string | undefined) ?? `${args.name}-${digest(seed, 7)}`;
  const compute = COMPUTE_COLLECTIONS[args.type];
  if (compute) {
    const [collection, regional] = compute;
    const region = (inputs.region as string | undefined) ?? config.region;
    const id = `projects/${project}/${regional ? `regions/${region}` : "global"}/${collection}/${name}`;
    return {
      id,
      state: {
        ...inputs,
        name,
        project,
        ...(regional ? { region } : {}),
        selfLink: `${COMPUTE}/${id}`,
        ...(args.type === "gcp:compute/network:Network" ? { numericId: digest(seed, 12) } : {}),
      },
    };
  }
  switch (args.type) {
    case "gcp:kms/keyRing:KeyRing": {
      const id = `projects/${project}/locations/${inputs.location as string}/keyRings/${name}`;
      return { id, state: { ...inputs, name, project } };
    }
    case "gcp:kms/cryptoKey:CryptoKey":
      return {
        id: `${inputs.keyRing as string}/cryptoKeys/${name}`,
        state: { ...inputs, name, purpose: inputs.purpose ?? "ENCRYPT_DECRYPT" },
      };
    case "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":
      return {
        id: `${inputs.cryptoKeyId as string}/${inputs.role as string}/${inputs.member as string}`,
        state: { ...inputs, etag: `BwY${digest(seed, 9)}=` },
      };
    case "gcp:projects/serviceIdentity:ServiceIdentity": {
      const service = String(inputs.service).split(".")[0];
      // Most agents are gcp-sa-<api>; Cloud SQL's is gcp-sa-cloud-sql.
      const agent = service === "sqladmin" ? "cloud-sql" : service;
      const email = `service-${mockProjectNumber(project)}@gcp-sa-${agent}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/services/${inputs.service as string}`,
        state: { ...inputs, project, email, member: `serviceAccount:${email}` },
      };
    }
    case "gcp:storage/bucket:Bucket":
      return {
        id: name,
        state: {
          ...inputs,
          name,
          project,
          url: `gs://${name}`,
          selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
          projectNumber: mockProjectNumber(project),
        },
      };
    case "gcp:pubsub/topic:Topic":
      return { id: `projects/${project}/topics/${name}`, state: { ...inputs, name, project } };
    case "gcp:serviceaccount/account:Account": {
      const accountId =
        (inputs.accountId as string | undefined) ?? `${args.name}-${digest(seed, 7)}`.slice(0, 30);
      const email = `${accountId}@${project}.iam.gserviceaccount.com`;
      return {
        id: `projects/${project}/serviceAccounts/${email}`,
        state: {
          ...inputs,
          accountId,
          project,
          email,
          member: `serviceAccount:${email}`,
          name: `projects/${project}/serviceAccounts/${email}`,
          uniqueId: String(100000000000000000000n + BigInt(`0x${digest(seed, 16)}`)),
        },
      };
    }
    case "gcp:memorystore/instance:Instance": {
      // What Memorystore for Valkey reports once the instance exists: a primary Private Service
      // Connect endpoint in the network it was given, and the managed server CA clients trust.
      const location = (inputs.location as string | undefined) ?? config.region;
      const network = (inputs.desiredAutoCreatedEndpoints as { network?: string }[] | undefined)?.[0]
        ?.network;
      const octet = (i: number) => parseInt(digest(`${seed}::${i}`, 2), 16) % 250;
      const pscAutoConnection = {
        connectionType: "CONNECTION_TYPE_PRIMARY",
        ipAddress: `10.10.16.${octet(0) + 2}`,
        port: 6379,
        network: network ?? `projects/${project}/global/networks/default`,
        projectId: project,
        forwardingRule: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${location}/forwardingRules/sca-auto-fr-${digest(seed, 8)}`,
        pscConnectionId: String(parseInt(digest(seed, 12), 16)),
        serviceAttachment: `projects/${project}/regions/${location}/serviceAttachments/gcp-memorystore-auto-${digest(seed, 8)}`,
      };
      const pem = `-----BEGIN CERTIFICATE-----\nMIIB${digest(`${seed}::ca`, 40)}\n-----END CERTIFICATE-----\n`;
      return {
        id: `projects/${project}/locations/${location}/instances/${inputs.instanceId as string}`,
        state: {
          ...inputs,
          name: `projects/${project}/locations/${location}/instances/${inputs.instanceId as string}`,
          project,
          state: "ACTIVE",
          uid: digest(seed, 32),
          endpoints: [{ connections: [{ pscAutoConnection }] }],
          managedServerCas: [{ caCerts: [{ certificates: [pem] }] }],
        },
      };
    }
    case "gcp:sql/databaseInstance:DatabaseInstance": {
      // What Cloud SQL reports once the instance exists: its connection name, the private address
      // it took from the network's private service access range, and its server CA.
      const region = (inputs.region as string | undefined) ?? config.region;
      const ip = `10.10.48.${(parseInt(digest(seed, 2), 16) % 250) + 3}`;
      const cert = `-----BEGIN CERTIFICATE-----\nMIID${digest(`${seed}::ca`, 40)}\n-----END CERTIFICATE-----`;
      return {
        id: name,
        state: {
          ...inputs,
          name,
          project,
          region,
          connectionName: `${project}:${region}:${name}`,
          privateIpAddress: ip,
          ipAddresses: [{ ipAddress: ip, type: "PRIVATE" }],
          serverCaCerts: [
            {
              cert,
              commonName: `C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA,dnQualifier=${digest(seed, 8)}`,
              sha1Fingerprint: digest(`${seed}::sha1`, 40),
            },
          ],
          selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${name}`,
        },
      };
    }
    case "gcp:container/cluster:Cluster": {
      // A private endpoint's address and the cluster CA GKE returns.
      const location = (inputs.location as string | undefined) ?? config.region;
      const ca = `-----BEGIN CERTIFICATE-----\n${digest(seed, 64)}\n-----END CERTIFICATE-----\n`;
      return {
        id: `projects/${project}/locations/${location}/clusters/${name}`,
        state: {
          ...inputs,
          name,
          project,
          location,
          endpoint: `10.${parseInt(digest(seed, 2), 16) % 256}.0.2`,
          masterAuth: {
            ...(inputs.masterAuth as object),
            clusterCaCertificate: Buffer.from(ca).toString("base64"),
          },
          selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${name}`,
        },
      };
    }
    default: {
      const id = `projects/${project}/locations/${(inputs.location ?? inputs.region ?? config.region) as string}/${args.name}`;
      return { id, state: { ...inputs, name, project } };
    }
  }
}

/** The GCP provider functions the components call; `undefined` for one not mocked here. */
export function gcpCall(
  args: pulumi.runtime.MockCallArgs,
  config: GcpMockConfig,
): Record<string, unknown> | undefined {
  const inputs = args.inputs as Record<string, unknown>;
  const project = (inputs.project as string | undefined) ?? config.project;
  switch (args.token) {
    case "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": {
      const email = `service-${mockProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com`;
      return { id: email, project, emailAddress: email, member: `serviceAccount:${email}` };
    }
    case "gcp:organizations/getProject:getProject":
      return { id: `projects/${project}`, projectId: project, number: mockProjectNumber(project) };
    default:
      return undefined;
  }
}
