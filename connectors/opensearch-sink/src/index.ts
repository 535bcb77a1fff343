import { errors } from '@opensearch-project/opensearch';
import { defineSink } from '@sluice/sdk';
import { config } from './config.js';
import { configProblems } from './config-rules.js';
import { OpenSearchSinkTask, createClient } from './sink-task.js';

export type { ActionBuilder } from './bulk-actions.js';
export { actionBuilder, headerVersion } from './bulk-actions.js';
export type { Action } from './bulk-body.js';
export { bulkBody } from './bulk-body.js';
export type { SinkCounters } from './bulk-sender.js';
export type { SinkConfig } from './config.js';
export { configProblems } from './config-rules.js';
export { formatUtc, indexNamer } from './index-names.js';
export { OpenSearchSinkTask } from './sink-task.js';

export default defineSink({
  name: 'OpenSearchSink',
  version: '0.1.0',
  description:
    'Kafka records to OpenSearch documents through the bulk API: idempotent, ordered by external version, retrying only what OpenSearch refuses.',
  config,
  validate: configProblems,
  valueJsonText: true, // a plain JSON object value is sent as its own text (bulk-actions.ts)
  async createTask(taskConfig, ctx) {
    const client = createClient(taskConfig);
    try {
      await client.ping().catch((error: unknown) => {
        const why = `OpenSearch at ${taskConfig['connection.url'].join(', ')} ${whyUnreachable(error)}`;
        if (!isPassing(error)) throw new Error(why, { cause: error });
        // down or restarting: the writes retry until it answers, as through any outage
        ctx.log.warn(`${why}; the task starts and its writes wait for OpenSearch`);
      });
      return new OpenSearchSinkTask(taskConfig, ctx, client);
    } catch (error) {
      await client.close();
      throw error;
    }
  },
});

/**
 * An answer (or silence) that waiting cures: refused or dropped connections, timeouts, 5xx. A
 * refused login, a certificate that does not verify or an unknown host fail the start instead.
 */
function isPassing(error: unknown): boolean {
  if (error instanceof errors.TimeoutError) return true;
  if (error instanceof errors.ResponseError) return (error.meta.statusCode ?? 0) >= 500;
  return error instanceof errors.ConnectionError && /ECONNREFUSED|ECONNRESET|socket hang up/i.test(error.message);
}

function whyUnreachable(error: unknown): string {
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    const hint = status === 401 || status === 403 ? ' (check connection.username and connection.password)' : '';
    return `answered ${status} to the connection check${hint}`;
  }
  return `does not answer: ${(error as Error).message}`;
}
