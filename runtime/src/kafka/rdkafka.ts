/**
 * The Kafka transport on @confluentinc/kafka-javascript's librdkafka-style API: batched `consume`,
 * manual offset commits, delivery reports awaited per batch.
 */
import { CODES, KafkaConsumer, Producer } from "@confluentinc/kafka-javascript";
import type { LibrdKafkaError, Message } from "@confluentinc/kafka-javascript";
import { TransientError, PermanentError } from "../errors";
import type { WorkerConfig } from "../config";
import { managedKafkaTokenProvider } from "../gcp/tokens";
import { eventHubsTokenProvider } from "../azure/tokens";
import type {
  ConsumerTransport,
  InRecord,
  OutRecord,
  ProducerTransport,
  TopicPartitionOffset,
} from "./transport";

type Conn = Pick<
  WorkerConfig,
  | "KAFKA_BOOTSTRAP_SERVERS"
  | "KAFKA_SECURITY_PROTOCOL"
  | "KAFKA_SASL_MECHANISM"
  | "KAFKA_CREDENTIALS"
  | "KAFKA_CA_CERT"
  | "KAFKA_CLIENT_REGION"
> &
  Partial<Pick<WorkerConfig, "KAFKA_OAUTH_PROVIDER" | "KAFKA_USERNAME" | "KAFKA_PASSWORD">>;

/** An OAUTHBEARER token for librdkafka. */
export interface OAuthToken {
  tokenValue: string;
  lifetime: number;
  principal: string;
}

/** Signs MSK IAM tokens with the default AWS credential chain (IRSA, instance role, environment). */
export type MskTokenProvider = (region: string) => Promise<OAuthToken>;

export const mskIamToken: MskTokenProvider = async (region) => {
  const { generateAuthToken } = await import("aws-msk-iam-sasl-signer-js");
  const { token, expiryTime } = await generateAuthToken({ region });
  return { tokenValue: token, lifetime: expiryTime, principal: "seawall" };
};

/**
 * librdkafka settings for the `KafkaConnection` contract. `oauth` makes the tokens for
 * `OAUTHBEARER` with a `KAFKA_OAUTH_PROVIDER` (`gcp`: Managed Service for Apache Kafka; `azure`:
 * Event Hubs' Kafka endpoint).
 * @defaultValue oauth - `oauthTokens(c)`: Application Default Credentials or DefaultAzureCredential
 */
export function securityConfig(
  c: Conn,
  msk: MskTokenProvider = mskIamToken,
  oauth?: () => Promise<OAuthToken>,
): Record<string, unknown> {
  const conf: Record<string, unknown> = {
    "bootstrap.servers": c.KAFKA_BOOTSTRAP_SERVERS,
    "security.protocol": c.KAFKA_SECURITY_PROTOCOL.toLowerCase(),
  };
  if (c.KAFKA_CA_CERT) conf["ssl.ca.pem"] = c.KAFKA_CA_CERT;
  if (c.KAFKA_SASL_MECHANISM === "AWS_MSK_IAM") {
    // MSK IAM is SASL/OAUTHBEARER with a SigV4-signed token, refreshed before it expires.
    const region = c.KAFKA_CLIENT_REGION ?? process.env.AWS_REGION;
    if (!region) {
      throw new PermanentError(
        "SEAWALL_KAFKA_MSK_REGION",
        "KAFKA_SASL_MECHANISM=AWS_MSK_IAM needs the cluster's region: set KAFKA_CLIENT_REGION (or AWS_REGION)",
      );
    }
    conf["sasl.mechanisms"] = "OAUTHBEARER";
    conf.oauthbearer_token_refresh_cb = () => msk(region);
  } else if (c.KAFKA_SASL_MECHANISM === "OAUTHBEARER" && c.KAFKA_OAUTH_PROVIDER) {
    // Managed Kafka: a Google access token wrapped as the service expects (src/gcp/tokens.ts);
    // Event Hubs: the Entra ID token of the namespace's scope (src/azure/tokens.ts). librdkafka
    // refreshes it at 80% of its life.
    conf["sasl.mechanisms"] = "OAUTHBEARER";
    conf.oauthbearer_token_refresh_cb = oauth ?? oauthTokens(c);
  } else if (c.KAFKA_SASL_MECHANISM) {
    conf["sasl.mechanisms"] = c.KAFKA_SASL_MECHANISM;
    if (c.KAFKA_CREDENTIALS) {
      const i = c.KAFKA_CREDENTIALS.indexOf(":");
      conf["sasl.username"] = c.KAFKA_CREDENTIALS.slice(0, i);
      conf["sasl.password"] = c.KAFKA_CREDENTIALS.slice(i + 1);
    } else if (c.KAFKA_USERNAME !== undefined && c.KAFKA_PASSWORD !== undefined) {
      // A Strimzi KafkaUser: the user's name, and the `password` key of the Secret it makes.
      conf["sasl.username"] = c.KAFKA_USERNAME;
      conf["sasl.password"] = c.KAFKA_PASSWORD;
    }
  }
  return conf;
}

/** One OAUTHBEARER token provider per client, reporting failed refreshes to the client's `onError`. */
function oauthTokens(conn: Conn, onError?: (err: Error) => void) {
  switch (conn.KAFKA_OAUTH_PROVIDER) {
    case "gcp":
      return managedKafkaTokenProvider({ onError });
    case "azure":
      return eventHubsTokenProvider(conn.KAFKA_BOOTSTRAP_SERVERS, { onError });
    default:
      return undefined;
  }
}

/**
 * librdkafka errors that no retry can fix, by the record or the topic, with the fix to name. Left
 * transient, a record too large for the broker would replay its batch forever.
 */
const permanentKafkaCodes: ReadonlyMap<number, string> = new Map([
  [CODES.ERRORS.ERR_INVALID_MSG, "the broker refused the record as corrupt"],
  [CODES.ERRORS.ERR_INVALID_MSG_SIZE, "the record's size is invalid"],
  [
    CODES.ERRORS.ERR_MSG_SIZE_TOO_LARGE,
    "send less (a dead-letter record keeps a bounded prefix) or raise the producer's message.max.bytes and the topic's max.message.bytes",
  ],
  [CODES.ERRORS.ERR_RECORD_LIST_TOO_LARGE, "send smaller batches or raise the broker's segment size"],
  [CODES.ERRORS.ERR_INVALID_RECORD, "the broker refused the record"],
  [CODES.ERRORS.ERR_TOPIC_EXCEPTION, "the topic name is invalid: check the TOPIC_* settings"],
  [CODES.ERRORS.ERR_TOPIC_AUTHORIZATION_FAILED, "grant this client's principal access to the topic"],
]);

const systemicKafkaCodes: ReadonlySet<number> = new Set([
  CODES.ERRORS.ERR_TOPIC_EXCEPTION,
  CODES.ERRORS.ERR_TOPIC_AUTHORIZATION_FAILED,
]);

/**
 * A librdkafka error as ours: permanent when a retry cannot fix it (see `permanentKafkaCodes`, or
 * librdkafka says fatal and not retriable), transient otherwise. Exported for tests.
 */
export function kafkaError(err: LibrdKafkaError | Error, what: string): Error {
  const e = err as LibrdKafkaError;
  const fix = typeof e.code === "number" ? permanentKafkaCodes.get(e.code) : undefined;
  if (fix !== undefined && e.isRetriable !== true) {
    // A bad topic or a missing grant is the deployment's fault, not the record's: never dead-letter
    // a stream for it (the batch loop replays systemic failures and says so).
    return new PermanentError("SEAWALL_KAFKA_REJECTED", `${what}: ${e.message} (code ${e.code}): ${fix}`, {
      cause: err,
      systemic: systemicKafkaCodes.has(e.code),
    });
  }
  const msg = `${what}: ${e.message}`;
  return e.isRetriable === false && e.isFatal
    ? new PermanentError("SEAWALL_KAFKA", msg, { cause: err, systemic: true })
    : new TransientError("SEAWALL_KAFKA", msg, { cause: err });
}

/** The headers of a record that has none: one shared, frozen object instead of one per record. */
const NO_HEADERS: Record<string, Buffer> = Object.freeze({}) as Record<string, Buffer>;

function toRecord(m: Message): InRecord {
  let headers = NO_HEADERS;
  if (m.headers && m.headers.length > 0) {
    headers = {};
    for (const h of m.headers) {
      for (const k in h) {
        const v = h[k];
        headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
      }
    }
  }
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key:
      m.key === undefined || m.key === null
        ? null
        : Buffer.isBuffer(m.key)
          ? m.key
          : Buffer.from(String(m.key)),
    value: m.value ?? null,
    headers,
    timestamp: m.timestamp,
  };
}

export async function createConsumer(
  conn: Conn,
  opts: {
    groupId: string;
    topics: string[];
    clientId?: string;
    sessionTimeoutMs?: number;
    extra?: Record<string, string | number | boolean>;
    /** Every client error librdkafka reports (`event.error`): count and log it. */
    onError?: (err: Error) => void;
  },
): Promise<ConsumerTransport> {
  const listeners: Array<() => void> = [];
  const consumer = new KafkaConsumer(
    {
      ...securityConfig(conn, mskIamToken, oauthTokens(conn, opts.onError)),
      "group.id": opts.groupId,
      "client.id": opts.clientId ?? opts.groupId,
      "enable.auto.commit": false,
      "enable.auto.offset.store": false,
      "enable.partition.eof": false,
      "fetch.wait.max.ms": 50,
      "socket.keepalive.enable": true,
      "session.timeout.ms": opts.sessionTimeoutMs ?? 10000,
      "heartbeat.interval.ms": Math.min(1000, Math.floor((opts.sessionTimeoutMs ?? 10000) / 3)),
      "partition.assignment.strategy": "cooperative-sticky",
      // librdkafka prefetches up to 64 MB (and 100,000 records per partition) by default: on a
      // backlog that is most of a worker's memory. 16 MB still holds several full batches.
      "queued.max.messages.kbytes": 16384,
      rebalance_cb: true,
      ...opts.extra,
    },
    { "auto.offset.reset": "earliest" },
  );
  consumer.on("rebalance", () => {
    for (const l of listeners) l();
  });
  consumer.on("event.error", (err) => opts.onError?.(err as unknown as Error));
  // A failed token refresh is emitted as "error": unheard, it would crash the worker.
  (consumer as unknown as NodeJS.EventEmitter).on("error", (err: Error) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    consumer.connect({ timeout: 30000 }, (err) =>
      err ? reject(kafkaError(err, "consumer connect")) : resolve(),
    );
  });
  consumer.subscribe(opts.topics);
  // Wait only for the first record of a batch; then take what is buffered and return.
  (
    consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }
  ).setDefaultIsTimeoutOnlyForFirstMessage(true);
  let closed = false;
  return {
    poll(max, timeoutMs) {
      consumer.setDefaultConsumeTimeout(timeoutMs);
      return new Promise((resolve, reject) => {
        consumer.consume(max, (err, messages) => {
          if (err) reject(kafkaError(err, "consume"));
          else resolve(messages.map(toRecord));
        });
      });
    },
    async commit(positions: TopicPartitionOffset[]) {
      if (positions.length === 0) return;
      try {
        consumer.commit(positions);
      } catch (err) {
        throw kafkaError(err as Error, "commit");
      }
    },
    async seek(positions: TopicPartitionOffset[]) {
      const owned = new Set(consumer.assignments().map((a) => `${a.topic}\u0000${a.partition}`));
      const results = await Promise.allSettled(
        positions
          .filter((p) => owned.has(`${p.topic}\u0000${p.partition}`))
          .map(
            (p) =>
              new Promise<void>((resolve, reject) => {
                consumer.seek(p, 5000, (err) =>
                  err ? reject(kafkaError(err, `seek ${p.topic}/${p.partition} to ${p.offset}`)) : resolve(),
                );
              }),
          ),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
    lag() {
      let total = 0;
      try {
        const positions = consumer.position();
        for (const p of positions) {
          if (p.offset === undefined || p.offset < 0) continue;
          const w = consumer.getWatermarkOffsets(p.topic, p.partition);
          if (w && w.highOffset >= p.offset) total += w.highOffset - p.offset;
        }
      } catch (err) {
        opts.onError?.(err as Error);
        return undefined;
      }
      return total;
    },
    onRebalance(l) {
      listeners.push(l);
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}

interface Pending {
  left: number;
  error?: Error;
  done: (err?: Error) => void;
}

export async function createProducer(
  conn: Conn,
  opts: {
    clientId?: string;
    extra?: Record<string, string | number | boolean>;
    /** Every client error librdkafka reports (`event.error`): count and log it. */
    onError?: (err: Error) => void;
  } = {},
): Promise<ProducerTransport> {
  const producer = new Producer({
    ...securityConfig(conn, mskIamToken, oauthTokens(conn, opts.onError)),
    "client.id": opts.clientId ?? "seawall",
    dr_cb: true,
    "linger.ms": 5,
    "batch.num.messages": 10000,
    "queue.buffering.max.messages": 1000000,
    "message.timeout.ms": 120000,
    "compression.codec": "lz4",
    ...opts.extra,
  });
  producer.on("delivery-report", (err, report) => {
    const p = report.opaque as Pending | undefined;
    if (!p) return;
    if (err && !p.error) p.error = kafkaError(err, "delivery");
    if (--p.left === 0) p.done(p.error);
  });
  producer.on("event.error", (err) => opts.onError?.(err as unknown as Error));
  (producer as unknown as NodeJS.EventEmitter).on("error", (err: Error) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    producer.connect({ timeout: 30000 }, (err) =>
      err ? reject(kafkaError(err, "producer connect")) : resolve(),
    );
  });
  producer.setPollInterval(5);
  let closed = false;
  return {
    send(records: OutRecord[]) {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const pending: Pending = { left: records.length, done: (err) => (err ? reject(err) : resolve()) };
        let i = 0;
        const produceFrom = () => {
          const now = Date.now();
          for (; i < records.length; i++) {
            const r = records[i];
            let headers: Array<Record<string, string | Buffer>> | undefined;
            if (r.headers) {
              headers = [];
              for (const k in r.headers) headers.push({ [k]: r.headers[k] });
            }
            const value = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
            try {
              producer.produce(r.topic, null, value, r.key ?? null, now, pending, headers);
            } catch (err) {
              const e = err as LibrdKafkaError;
              if (e.code === -184 /* queue full */) {
                producer.poll();
                setTimeout(produceFrom, 5);
                return;
              }
              pending.error = kafkaError(e, `produce to ${r.topic} (${value?.length ?? 0} bytes)`);
              pending.left -= records.length - i;
              if (pending.left === 0) pending.done(pending.error);
              return;
            }
          }
          producer.poll();
        };
        produceFrom();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => producer.flush(10000, () => resolve()));
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
    },
  };
}
