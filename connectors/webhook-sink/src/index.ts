import http from 'node:http';
import https from 'node:https';
import { RetriableError, Secret, Type, defineSink } from '@sluice/sdk';
import type { ConfigOf, SinkRecord, SinkTask, SinkTaskContext } from '@sluice/sdk';
import type { Answer } from './post-json.js';
import { postJson } from './post-json.js';

const VERSION = '0.1.0';

const config = Type.Object({
  url: Type.String({
    format: 'uri',
    description: 'The http:// or https:// endpoint each batch is POSTed to.',
  }),
  'auth.token': Type.Optional(Secret({ description: 'Sent as `Authorization: Bearer <token>` when set.' })),
  'batch.size': Type.Integer({ description: 'Most records per request.', default: 100, minimum: 1, maximum: 10_000 }),
  'request.timeout.ms': Type.Integer({
    description: 'A request without a complete answer within this long is retried.',
    default: 10_000,
    minimum: 1,
  }),
});

type Config = ConfigOf<typeof config>;

/** Answers that mean "not now" (retried with the same records), not "never". */
const RETRIABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

/** One record as the endpoint receives it: its Kafka coordinates, so a receiver can drop repeats. */
export interface WebhookRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: unknown;
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** Bytes (from the ByteArrayConverter) travel as base64 strings; header values as UTF-8 text. */
export function webhookRecord(record: SinkRecord): WebhookRecord {
  const bytes = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('base64') : value);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: bytes(record.key) ?? null,
    value: bytes(record.value),
    headers: Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, value.toString('utf8')])),
  };
}

/**
 * POSTs records as JSON arrays, `batch.size` at a time, from `put`: a webhook wants small
 * requests soon, and `put` awaiting each answer means nothing is pending when `flush` is called.
 *
 * - 2xx: delivered.
 * - 408, 429, 5xx, no answer (refused, reset, timeout): RetriableError; the runtime calls `put`
 *   again with the same records, so a batch may arrive twice (at-least-once): receivers drop
 *   repeats by `topic`, `partition` and `offset`.
 * - Any other status: the endpoint refuses the batch. Its records are sent again one at a time,
 *   so that only the ones refused on their own are reported (`ctx.report`: dead-letter queue or
 *   task failure, per `errors.tolerance`).
 */
class WebhookSinkTask implements SinkTask {
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  /** For messages: the endpoint without its query string, which may hold a secret. */
  private readonly shownUrl: string;

  constructor(
    private readonly url: URL,
    private readonly config: Config,
    private readonly ctx: SinkTaskContext,
  ) {
    this.agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true });
    this.headers = {
      'user-agent': `sluice-webhook-sink/${VERSION}`,
      ...(config['auth.token'] ? { authorization: `Bearer ${config['auth.token']}` } : {}),
    };
    this.shownUrl = `${url.origin}${url.pathname}`;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const size = this.config['batch.size'];
    for (let start = 0; start < records.length; start += size) {
      const batch = records.slice(start, start + size);
      const answer = await this.send(batch);
      if (answer.status >= 200 && answer.status < 300) continue;
      if (batch.length === 1) await this.ctx.report(batch[0] as SinkRecord, this.refusal(answer));
      else for (const record of batch) await this.put([record]);
    }
  }

  async flush(): Promise<void> {
    // every put has had its answer: nothing is waiting to become durable
  }

  async close(): Promise<void> {
    this.agent.destroy(); // idle keep-alive connections
  }

  /** One request; throws RetriableError when the answer means "try again", else returns it. */
  private async send(batch: readonly SinkRecord[]): Promise<Answer> {
    let answer: Answer;
    try {
      answer = await postJson(this.url, JSON.stringify(batch.map(webhookRecord)), {
        agent: this.agent,
        headers: this.headers,
        timeoutMs: this.config['request.timeout.ms'],
        signal: this.ctx.signal,
      });
    } catch (error) {
      throw new RetriableError(`POST ${this.shownUrl} got no answer: ${(error as Error).message}`, { cause: error });
    }
    if (RETRIABLE_STATUS(answer.status)) {
      throw new RetriableError(`POST ${this.shownUrl} answered ${answer.status}: ${answer.body}`);
    }
    return answer;
  }

  private refusal(answer: Answer): Error {
    return new Error(`POST ${this.shownUrl} refused the record with ${answer.status}: ${answer.body}`);
  }
}

export default defineSink({
  name: 'WebhookSink',
  version: VERSION,
  description: 'POSTs Kafka records as JSON batches to an HTTP endpoint; retries 429, 5xx and network errors.',
  config,
  // format: 'uri' accepts any scheme (mailto:, urn:); only HTTP can be POSTed to
  validate: (cfg) =>
    /^https?:$/.test(new URL(cfg.url).protocol)
      ? []
      : [{ field: 'url', reason: `must be an http:// or https:// URL, not ${new URL(cfg.url).protocol}` }],
  async createTask(taskConfig, ctx) {
    return new WebhookSinkTask(new URL(taskConfig.url), taskConfig, ctx);
  },
});
