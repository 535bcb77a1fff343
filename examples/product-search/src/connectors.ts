/** Where the pipeline reads and writes: one MongoDB collection, one topic, one index. */
export interface PipelineNames {
  /** Distinguishes this run's connectors (and so the sink's consumer group) from another's. */
  readonly run: string;
  readonly mongoUri: string;
  readonly database: string;
  readonly collection: string;
  readonly topicPrefix: string;
  readonly openSearchUrl: string;
  readonly index: string;
}

export type ConnectorConfigs = Record<string, Record<string, string>>;

/** The topic the MongoDB source writes the collection's changes to (topic.prefix + namespace). */
export const topicOf = (names: PipelineNames) => `${names.topicPrefix}.${names.database}.${names.collection}`;

/**
 * The two connectors, as an operator would POST them to the worker: MongoDB change streams →
 * Kafka → OpenSearch bulk writes. The value is the product document as JSON; a delete is a
 * tombstone, which the sink turns into a delete in the index. Latency needs no tuning (the
 * sink sends each batch at once by default, linger.ms=0); the source's server-side wait for
 * changes is short so that a stop is noticed quickly.
 */
export function connectorConfigs(names: PipelineNames): ConnectorConfigs {
  const json = { 'key.converter': 'string', 'value.converter': 'json', 'value.converter.schemas.enable': 'false' };
  return {
    [`products-source-${names.run}`]: {
      'connector.class': 'MongoDbSource',
      'connection.uri': names.mongoUri,
      database: names.database,
      collection: names.collection,
      'topic.prefix': names.topicPrefix,
      'poll.await.ms': '100',
      ...json,
    },
    [`products-search-${names.run}`]: {
      'connector.class': 'OpenSearchSink',
      'connection.url': names.openSearchUrl,
      topics: topicOf(names),
      // the index and its template exist before the connector starts (index-template.ts)
      'index.name.template': names.index,
      ...json,
    },
  };
}

interface TaskStatus {
  state: string;
  trace?: string;
}

/**
 * Creates each connector with `POST /connectors` and waits until every task is RUNNING. The
 * worker answers a create once the config is stored; its tasks start behind it (UNASSIGNED
 * until they run), so the answer alone does not mean changes are being read yet.
 */
export async function submitConnectors(workerUrl: string, configs: ConnectorConfigs, timeoutMs = 60_000) {
  for (const [name, config] of Object.entries(configs)) {
    const response = await fetch(`${workerUrl}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config }),
    });
    if (response.status !== 201)
      throw new Error(`POST /connectors ${name}: ${response.status} ${await response.text()}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of Object.keys(configs)) {
    for (;;) {
      const status = (await (await fetch(`${workerUrl}/connectors/${name}/status`)).json()) as { tasks?: TaskStatus[] };
      const tasks = status.tasks ?? [];
      const failed = tasks.find((task) => task.state === 'FAILED');
      if (failed) throw new Error(`connector ${name} failed: ${failed.trace ?? 'no trace'}`);
      if (tasks.length > 0 && tasks.every((task) => task.state === 'RUNNING')) break;
      if (Date.now() > deadline)
        throw new Error(`connector ${name} not RUNNING after ${timeoutMs} ms: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** `GET /connectors?expand=status`, as one line: `products-search-x RUNNING; products-source-x RUNNING`. */
export async function connectorStates(workerUrl: string): Promise<string> {
  const statuses = (await (await fetch(`${workerUrl}/connectors?expand=status`)).json()) as Record<
    string,
    { status: { tasks: TaskStatus[] } }
  >;
  return Object.entries(statuses)
    .map(([name, s]) => `${name} ${s.status.tasks.map((task) => task.state).join(',')}`)
    .join('; ');
}
