/**
 * Google access tokens for the workers on GCP, from Application Default Credentials (the workload's
 * service account through Workload Identity, the metadata server, or a key file): SASL/OAUTHBEARER
 * tokens for Managed Service for Apache Kafka, and the AUTH password for Memorystore for Valkey with
 * IAM authentication. google-auth-library is loaded only when a GCP token is first asked for.
 */
import { PermanentError, TransientError } from "../errors";
import {
  errorMessage as message,
  TokenSource,
  type AccessToken,
  type AsyncCredentials,
  type KafkaOAuthToken,
  type TokenSourceOptions,
} from "../tokens";

export type { AccessToken, AsyncCredentials, KafkaOAuthToken, TokenSourceOptions } from "../tokens";

/** The OAuth scope the tokens carry: Managed Kafka and Memorystore both accept `cloud-platform`. */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** What the token providers need from Application Default Credentials. `googleAdc()` is the real one. */
export interface AdcClient {
  /** A current access token with its expiry (the client may cache it). */
  accessToken(): Promise<AccessToken>;
  /** The principal the tokens stand for: a service account's email, or a `principal://` identifier. */
  principal(): Promise<string>;
}

/** Application Default Credentials through google-auth-library, scoped to `cloud-platform`. */
export function googleAdc(): AdcClient {
  type Auth = import("google-auth-library").GoogleAuth;
  let auth: Promise<Auth> | undefined;
  const load = () =>
    (auth ??= import("google-auth-library").then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }),
    ));
  return {
    async accessToken() {
      const client = await (await load()).getClient();
      const { token } = await client.getAccessToken();
      // Every ADC client (compute, service account key, impersonated, external account) records
      // the expiry of the token it just returned here.
      const expiresAt = client.credentials?.expiry_date;
      if (!token) throw new Error("Application Default Credentials returned no access token");
      if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) {
        throw new Error("Application Default Credentials returned an access token without an expiry");
      }
      return { token, expiresAt };
    },
    async principal() {
      const { client_email } = await (await load()).getCredentials();
      if (!client_email) {
        throw new Error(
          "Application Default Credentials name no service account (user credentials have none)",
        );
      }
      return client_email;
    },
  };
}

/** What a failed Google token refresh says. */
const GCP_TOKEN_FAILURE = {
  code: "SEAWALL_GCP_TOKEN",
  what: "Google access token from Application Default Credentials",
  fix: "check the workload's service account (Workload Identity binding) and that the metadata server is reachable",
};

/**
 * Caches ADC access tokens and refreshes them before they expire: the cloud-neutral `TokenSource`
 * (src/tokens.ts) whose failures are `SEAWALL_GCP_TOKEN`.
 */
export class AccessTokenSource extends TokenSource {
  constructor(adc: AdcClient, options: TokenSourceOptions = {}) {
    super(() => adc.accessToken(), GCP_TOKEN_FAILURE, options);
  }
}

/**
 * The SASL/OAUTHBEARER token Managed Service for Apache Kafka accepts: a JWT-shaped
 * `header.payload.signature`, each part base64url without padding, where the header is
 * `{"typ":"JWT","alg":"GOOG_OAUTH2_TOKEN"}`, the payload carries `exp` and `iat` (seconds), `iss`
 * `"Google"`, `scope` `"kafka"` and `sub` (the principal), and the signature part is the access token
 * itself. As Google's own login handlers build it (github.com/googleapis/managedkafka:
 * GcpLoginCallbackHandler.java sends exp, iat, scope and sub; kafka_gcp_credentials_server.py
 * sends exp, iss, iat and sub): this payload is the union of both.
 */
export function managedKafkaToken(access: AccessToken, principal: string, nowMs: number): string {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
  const header = JSON.stringify({ typ: "JWT", alg: "GOOG_OAUTH2_TOKEN" });
  const payload = JSON.stringify({
    exp: Math.floor(access.expiresAt / 1000),
    iat: Math.floor(nowMs / 1000),
    iss: "Google",
    scope: "kafka",
    sub: principal,
  });
  return `${b64(header)}.${b64(payload)}.${b64(access.token)}`;
}

/**
 * Checks the principal Managed Kafka will see. On GKE, a Kubernetes service account used directly
 * (Workload Identity Federation without a Google service account) makes the metadata server answer
 * the pool name (`<project>.svc.id.goog`), which names no one.
 */
export function checkKafkaPrincipal(principal: string): string {
  if (principal.endsWith(".svc.id.goog")) {
    throw new PermanentError(
      "SEAWALL_GCP_PRINCIPAL",
      `the metadata server names the workload identity pool ${JSON.stringify(principal)}, not a principal: ` +
        'annotate the Kubernetes service account with iam.gke.io/gcp-service-account (a Google service account) or iam.gke.io/return-principal-id-as-email: "true"',
      { systemic: true },
    );
  }
  if (!principal.startsWith("principal://iam.googleapis.com/") && !/^[^@\s]+@[^@\s]+$/.test(principal)) {
    throw new PermanentError(
      "SEAWALL_GCP_PRINCIPAL",
      `Application Default Credentials name ${JSON.stringify(principal)}, neither an email nor a principal:// identifier: run the worker as a Google service account`,
      { systemic: true },
    );
  }
  return principal;
}

/**
 * The `oauthbearer_token_refresh_cb` for Managed Service for Apache Kafka. librdkafka calls it at
 * start and again at 80% of the token's remaining life; a rejection makes it report
 * `ERR__AUTHENTICATION` and call again 10 s later, keeping the current token meanwhile.
 */
export function managedKafkaTokenProvider(
  options: TokenSourceOptions & { adc?: AdcClient } = {},
): () => Promise<KafkaOAuthToken> {
  const adc = options.adc ?? googleAdc();
  const source = new AccessTokenSource(adc, options);
  const now = options.now ?? Date.now;
  let principal: Promise<string> | undefined;
  return async () => {
    principal ??= adc
      .principal()
      .then(checkKafkaPrincipal)
      .catch((err: unknown) => {
        principal = undefined; // ask again at the next refresh
        if (err instanceof PermanentError) throw err;
        throw new TransientError(
          "SEAWALL_GCP_TOKEN",
          `no principal from Application Default Credentials: ${message(err)}`,
          { cause: err },
        );
      });
    const [sub, access] = await Promise.all([principal, source.get()]);
    return { tokenValue: managedKafkaToken(access, sub, now()), lifetime: access.expiresAt, principal: sub };
  };
}

/**
 * Credentials for Memorystore for Valkey with IAM authentication: `AUTH <access token>` at every
 * connect and reconnect, with a token that has at least `minValidityMs` left. Memorystore checks the
 * token only when a connection authenticates; a connection stays authenticated after its token
 * expires (cloud.google.com/memorystore/docs/valkey/about-iam-auth), so nothing re-authenticates
 * open connections.
 */
export function memorystoreIamCredentials(
  options: TokenSourceOptions & { adc?: AdcClient } = {},
): AsyncCredentials {
  const source = new AccessTokenSource(options.adc ?? googleAdc(), options);
  return {
    type: "async-credentials-provider",
    credentials: async () => ({ password: (await source.get()).token }),
  };
}
