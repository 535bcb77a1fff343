import type { Client } from '@opensearch-project/opensearch';
import { ConfigError } from '@sluice/sdk';
import type { SinkConfig } from './config.js';

/**
 * Creates each target before its first write, once per task: with index.mappings/settings, the
 * index; with data streams, a matching index template (data_stream, mappings, settings) and the
 * stream. A target that already exists is left as it is (another task or the operator made it).
 * Without either option it does nothing: OpenSearch creates indices on first write.
 */
export class IndexSetup {
  private readonly ready = new Map<string, Promise<void>>();
  /** Operator JSON, passed as is: OpenSearch validates it (typed loosely on purpose). */
  private readonly body: Record<string, never>;

  constructor(
    private readonly client: Client,
    private readonly config: SinkConfig,
  ) {
    this.body = {
      ...parsedJson(config, 'index.mappings', 'mappings'),
      ...parsedJson(config, 'index.settings', 'settings'),
    } as Record<string, never>;
  }

  /** Resolves when every index named is ready for writes. */
  async prepare(indices: Iterable<string>): Promise<void> {
    const active = this.config['data.stream.enabled'] || Object.keys(this.body).length > 0;
    if (!active) return;
    await Promise.all(
      [...new Set(indices)].map((index) => {
        let ready = this.ready.get(index);
        if (!ready) {
          ready = this.create(index);
          // a failure (e.g. OpenSearch down) is tried again with the next bulk
          ready.catch(() => this.ready.delete(index));
          this.ready.set(index, ready);
        }
        return ready;
      }),
    );
  }

  private async create(index: string): Promise<void> {
    if (!this.config['data.stream.enabled']) {
      await ignoreExisting(this.client.indices.create({ index, body: this.body }));
      return;
    }
    await this.client.indices.putIndexTemplate({
      name: `sluice-${index}`,
      body: { index_patterns: [index], data_stream: {}, priority: 200, template: this.body },
    });
    await ignoreExisting(this.client.indices.createDataStream({ name: index }));
  }
}

async function ignoreExisting(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    const type = (error as { body?: { error?: { type?: string } } }).body?.error?.type;
    if (type !== 'resource_already_exists_exception') throw error;
  }
}

/** A JSON option as an object; throws naming the field when it is not a JSON object. */
export function parsedJson(config: SinkConfig, field: 'index.mappings' | 'index.settings', as: string) {
  const text = config[field];
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(field, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(field, 'must be a JSON object');
  return { [as]: value };
}
