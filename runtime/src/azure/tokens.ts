/**
 * Microsoft Entra ID tokens for the workers on Azure, from `DefaultAzureCredential` (in a pod: AKS
 * workload identity, the federated token the webhook mounts; elsewhere the environment, a managed
 * identity or a developer login): the Blob credential, SASL/OAUTHBEARER tokens for Event Hubs'
 * Kafka endpoint, and the AUTH credentials for Azure Managed Redis with Entra ID authentication,
 * renewed on open connections. The refresh, retry and expiry rules are src/tokens.ts's.
 * `@azure/identity` is loaded only when a token is first asked for.
 */
import { PermanentError } from "../errors";
import {
  renewingCredentials,
  TokenSource,
  type AccessToken,
  type KafkaOAuthToken,
  type RenewingOptions,
  type StreamingCredentials,
  type TokenSourceOptions,
} from "../tokens";

/** The scope of Azure Managed Redis (and Azure Cache for Redis) Entra ID tokens. */
export const REDIS_SCOPE = "https://redis.azure.com/.default";

/** An Azure SDK token, as `@azure/core-auth`'s `AccessToken`. */
export interface AzureAccessToken {
  token: string;
  /** Expiry, in milliseconds since the epoch. */
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
}

/** What the token providers need of an Azure credential: `@azure/core-auth`'s `TokenCredential`. */
export interface AzureCredential {
  getToken(scopes: string | string[], options?: object): Promise<AzureAccessToken | null>;
}

let shared: AzureCredential | undefined;

/**
 * The process's one `DefaultAzureCredential` (so Blob, Kafka and Redis share its token cache),
 * loaded on first use. In a pod with AKS workload identity it uses the client id, tenant and
 * federated token file the webhook injects (`AZURE_CLIENT_ID`, `AZURE_TENANT_ID`,
 * `AZURE_FEDERATED_TOKEN_FILE`).
 */
export function defaultAzureCredential(): AzureCredential {
  if (shared) return shared;
  let loaded: Promise<AzureCredential> | undefined;
  const load = () =>
    (loaded ??= import("@azure/identity").then(({ DefaultAzureCredential }) => new DefaultAzureCredential()));
  shared = { getToken: async (scopes, options) => (await load()).getToken(scopes, options) };
  return shared;
}

/** The scope of Event Hubs tokens for the namespace that serves `bootstrapServers` (its host). */
export function eventHubsScope(bootstrapServers: string): string {
  const host = bootstrapServers.split(",")[0].trim().replace(/:\d+$/, "");
  return `https://${host}/.default`;
}

/** `DefaultAzureCredential` tokens for one scope, as the shared token source expects them. */
export function azureTokenSource(
  credential: AzureCredential,
  scope: string,
  options: TokenSourceOptions = {},
): TokenSource {
  return new TokenSource(
    async () => {
      const t = await credential.getToken(scope);
      if (!t) throw new Error("the credential returned no token");
      return { token: t.token, expiresAt: t.expiresOnTimestamp };
    },
    {
      code: "SEAWALL_AZURE_TOKEN",
      what: `Entra ID token for ${scope} from DefaultAzureCredential`,
      fix:
        "check the pod's workload identity (the label azure.workload.identity/use: \"true\", the service account's " +
        "azure.workload.identity/client-id annotation and the identity's federated credential) and that login.microsoftonline.com is reachable",
    },
    options,
  );
}

/** The claims of an Entra ID access token (a JWT), or undefined when it is not one. */
export function entraClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const claim = (claims: Record<string, unknown> | undefined, name: string) =>
  typeof claims?.[name] === "string" && claims[name] !== "" ? (claims[name] as string) : undefined;

/**
 * The SASL/OAUTHBEARER token for Event Hubs' Kafka endpoint: the Entra ID access token itself, for
 * the scope `https://<namespace>.servicebus.windows.net/.default`, as Microsoft's samples send it
 * (github.com/Azure/azure-event-hubs-for-kafka, tutorials/oauth: the token and its expiry). The
 * principal (which only librdkafka reads) is the token's `oid`, else its `sub`.
 */
export function eventHubsToken(access: AccessToken): KafkaOAuthToken {
  const claims = entraClaims(access.token);
  return {
    tokenValue: access.token,
    lifetime: access.expiresAt,
    principal: claim(claims, "oid") ?? claim(claims, "sub") ?? "seawall",
  };
}

/**
 * The `oauthbearer_token_refresh_cb` for Event Hubs. librdkafka calls it at start and again at 80%
 * of the token's remaining life; a rejection makes it report `ERR__AUTHENTICATION` and call again
 * 10 s later, keeping the current token meanwhile.
 */
export function eventHubsTokenProvider(
  bootstrapServers: string,
  options: TokenSourceOptions & { credential?: AzureCredential } = {},
): () => Promise<KafkaOAuthToken> {
  const source = azureTokenSource(
    options.credential ?? defaultAzureCredential(),
    eventHubsScope(bootstrapServers),
    options,
  );
  return async () => eventHubsToken(await source.get());
}

/**
 * Redis credentials from an Entra ID token: the identity's object id (the `oid` claim) as the user
 * and the token as the password, as Azure Managed Redis asks.
 */
export function redisEntraAuth(access: AccessToken): { username: string; password: string } {
  const oid = claim(entraClaims(access.token), "oid");
  if (!oid) {
    throw new PermanentError(
      "SEAWALL_AZURE_PRINCIPAL",
      `the Entra ID token for ${REDIS_SCOPE} carries no oid claim, which Azure Managed Redis takes as the user name: ` +
        "authenticate as a managed identity or service principal (AKS workload identity), not a personal account",
      { systemic: true },
    );
  }
  return { username: oid, password: access.token };
}

/**
 * Credentials for Azure Managed Redis with Entra ID authentication, for one client: `AUTH <oid>
 * <token>` at every connect and reconnect, and again on the open connection before its token
 * expires (Azure drops connections whose token expired unless they re-authenticate: "send a new
 * token at least 3 minutes before expiry"; this sends it 5 minutes before, and retries every 10 s).
 */
export function azureRedisEntraCredentials(
  options: TokenSourceOptions & RenewingOptions & { credential?: AzureCredential } = {},
): StreamingCredentials {
  const source = azureTokenSource(options.credential ?? defaultAzureCredential(), REDIS_SCOPE, options);
  return renewingCredentials(source, redisEntraAuth, options);
}

/** The Blob endpoint of a storage account (`https://<account>.blob.core.windows.net`). */
export function blobServiceUrl(account: string): string {
  return `https://${account}.blob.core.windows.net`;
}
