/**
 * Cloud-neutral handling of short-lived access tokens: a cache that refreshes before expiry, retries
 * with backoff, keeps a still-valid token when a refresh fails and never hands out an expired one
 * (`TokenSource`); the shapes librdkafka's OAUTHBEARER callback and node-redis's credentials
 * providers take; and a node-redis provider that re-authenticates open connections before their
 * token expires (`renewingCredentials`). The clouds' modules (src/gcp/tokens.ts,
 * src/azure/tokens.ts) supply how a token is fetched and what a failure says.
 */
import { TransientError } from "./errors";

/** An access token and when it expires. */
export interface AccessToken {
  token: string;
  /** Expiry, in milliseconds since the epoch. */
  expiresAt: number;
}

/** How a `TokenSource` refreshes and retries. */
export interface TokenSourceOptions {
  /**
   * A cached token is reused only while it has more than this left; past it a new one is fetched.
   * @defaultValue 300000 (5 minutes: tokens last an hour or more)
   */
  refreshBeforeMs?: number;
  /**
   * The least life a token handed out may have, fetched or cached: an expired token is never handed out.
   * @defaultValue 30000
   */
  minValidityMs?: number;
  /**
   * Tries per refresh before the refresh fails.
   * @defaultValue 3
   */
  attempts?: number;
  /**
   * Wait before the second try, doubled for each later one.
   * @defaultValue 250
   */
  backoffMs?: number;
  /** A failed refresh that is answered with the still-valid cached token (a rejection is the caller's to report). */
  onError?: (err: Error) => void;
  /** @defaultValue Date.now */
  now?: () => number;
  /** @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** What a refresh that failed every try says: `no <what> after N tries: <cause>; <fix>`, with `code`. */
export interface TokenFailure {
  /** The error's stable code, e.g. `SEAWALL_GCP_TOKEN`. */
  code: string;
  /** The token and where it comes from, e.g. "Google access token from Application Default Credentials". */
  what: string;
  /** What to check. */
  fix: string;
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Caches access tokens from `fetch` and refreshes them before they expire. Concurrent callers share
 * one refresh. A refresh is tried `attempts` times with backoff; when it still fails, the cached
 * token is handed out while it keeps `minValidityMs` of life (and the failure goes to `onError`),
 * and otherwise the call rejects with a `TransientError` of `failure.code` (the caller retries).
 */
export class TokenSource {
  #cached: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;
  readonly #o: Required<Omit<TokenSourceOptions, "onError">> & Pick<TokenSourceOptions, "onError">;

  constructor(
    private readonly fetch: () => Promise<AccessToken>,
    private readonly failure: TokenFailure,
    options: TokenSourceOptions = {},
  ) {
    this.#o = {
      refreshBeforeMs: 300_000,
      minValidityMs: 30_000,
      attempts: 3,
      backoffMs: 250,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  /** How long before expiry a token is replaced. */
  get refreshBeforeMs(): number {
    return this.#o.refreshBeforeMs;
  }

  /** A token with more than `refreshBeforeMs` left, or failing a refresh, at least `minValidityMs`. */
  get(): Promise<AccessToken> {
    const c = this.#cached;
    if (c && c.expiresAt - this.#o.now() > this.#o.refreshBeforeMs) return Promise.resolve(c);
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #refresh(): Promise<AccessToken> {
    const { attempts, backoffMs, minValidityMs, now, sleep } = this.#o;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(backoffMs * 2 ** (i - 1));
      try {
        const t = await this.fetch();
        const left = t.expiresAt - now();
        if (!t.token) throw new Error("an empty access token");
        if (!Number.isFinite(left)) throw new Error("an access token without an expiry");
        if (left < minValidityMs) {
          throw new Error(`an access token that expires in ${Math.round(left / 1000)} s`);
        }
        this.#cached = { token: t.token, expiresAt: t.expiresAt };
        return this.#cached;
      } catch (err) {
        last = err;
      }
    }
    const { code, what, fix } = this.failure;
    const err = new TransientError(
      code,
      `no ${what} after ${attempts} tries: ${errorMessage(last)}; ${fix}`,
      { cause: last },
    );
    const c = this.#cached;
    if (c && c.expiresAt - now() >= minValidityMs) {
      this.#o.onError?.(err); // swallowed here, so reported here
      return c;
    }
    this.#cached = undefined;
    throw err; // the caller reports it (librdkafka's and node-redis's error events)
  }
}

/** An OAUTHBEARER token for librdkafka: `lifetime` is the expiry in ms since the epoch. */
export interface KafkaOAuthToken {
  tokenValue: string;
  lifetime: number;
  principal: string;
}

/** Redis AUTH credentials. */
export interface BasicAuth {
  username?: string;
  password?: string;
}

/** node-redis's `credentialsProvider` that is asked for credentials at every (re)connect. */
export interface AsyncCredentials {
  readonly type: "async-credentials-provider";
  credentials: () => Promise<BasicAuth>;
}

/**
 * node-redis's `credentialsProvider` that pushes new credentials to an open connection, which
 * node-redis sends as `AUTH` on it (`RedisClient.reAuthenticate`); structurally node-redis 5's
 * `StreamingCredentialsProvider`.
 */
export interface StreamingCredentials {
  readonly type: "streaming-credentials-provider";
  subscribe: (listener: {
    onNext: (credentials: BasicAuth) => void;
    onError: (e: Error) => void;
  }) => Promise<[BasicAuth, { dispose: () => void }]>;
  onReAuthenticationError: (error: Error) => void;
}

/** How `renewingCredentials` schedules and reports. */
export interface RenewingOptions {
  /**
   * Wait before trying again after a renewal that failed or brought no new token.
   * @defaultValue 10000 (librdkafka's wait after a failed OAUTHBEARER refresh)
   */
  retryMs?: number;
  /** A renewal or re-authentication that failed: count and log it. */
  onError?: (err: Error) => void;
  /** @defaultValue Date.now */
  now?: () => number;
  /**
   * Runs `fn` after `ms` and returns a cancel; the default timer does not keep the process alive.
   * @defaultValue setTimeout, unref'd
   */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A node-redis credentials provider for one client whose tokens must be renewed on open connections
 * (Azure Managed Redis drops a connection whose token expires unless it re-authenticates). Each
 * connect and reconnect authenticates with a token from `source` (never an expired one: a source
 * that has none fails the handshake, and node-redis reconnects with backoff). When the token is
 * within `source.refreshBeforeMs` of expiry, a renewed one is pushed to the open connection, which
 * node-redis sends as `AUTH`. A renewal that fails, or brings back the same token, is reported and
 * tried again `retryMs` later. Only the newest subscription is kept: node-redis 5.10 subscribes
 * again at every reconnect without disposing the previous subscription, and a client has one
 * connection.
 */
export function renewingCredentials(
  source: TokenSource,
  toCredentials: (token: AccessToken) => BasicAuth,
  options: RenewingOptions = {},
): StreamingCredentials {
  const retryMs = options.retryMs ?? 10_000;
  const now = options.now ?? Date.now;
  const schedule =
    options.schedule ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return () => clearTimeout(t);
    });
  let listener: { onNext: (c: BasicAuth) => void } | undefined;
  let sent: AccessToken | undefined;
  let cancel: (() => void) | undefined;

  const plan = (changed: boolean) => {
    cancel?.();
    const due = sent ? sent.expiresAt - source.refreshBeforeMs - now() : 0;
    cancel = schedule(renew, Math.min(Math.max(due, changed ? 1000 : retryMs), MAX_TIMER_MS));
  };
  const renew = () => {
    cancel = undefined;
    const current = listener;
    if (!current) return;
    source.get().then(
      (t) => {
        if (listener !== current) return; // disposed or replaced meanwhile
        const changed = t.token !== sent?.token;
        if (changed) {
          let credentials: BasicAuth;
          try {
            credentials = toCredentials(t);
          } catch (err) {
            options.onError?.(err as Error);
            plan(false);
            return;
          }
          sent = t;
          current.onNext(credentials);
        }
        plan(changed);
      },
      (err: Error) => {
        if (listener !== current) return;
        options.onError?.(err);
        plan(false);
      },
    );
  };

  return {
    type: "streaming-credentials-provider",
    async subscribe(l) {
      const t = await source.get();
      const credentials = toCredentials(t);
      listener = l;
      sent = t;
      plan(true);
      return [
        credentials,
        {
          dispose: () => {
            if (listener !== l) return;
            listener = undefined;
            cancel?.();
            cancel = undefined;
          },
        },
      ];
    },
    onReAuthenticationError: (err) => options.onError?.(err),
  };
}
