import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import OpenSearchSink from '@sluice/opensearch-sink';
import type { OpenSearchSinkTask } from '@sluice/opensearch-sink';
import type { SinkRecord } from '@sluice/sdk';
import { recordingLogger, requireService, sinkTaskContext } from '@sluice/testkit';

export const opensearchUrl = requireService('opensearch');
export const admin = new Client({ node: opensearchUrl });

export const record = (
  offset: number,
  key: string | null,
  value: unknown,
  extra: Partial<SinkRecord> = {},
): SinkRecord => ({
  topic: 'products',
  partition: 0,
  offset: String(offset),
  key,
  value,
  headers: {},
  timestamp: 0,
  ...extra,
});

/**
 * A sink task against the real OpenSearch (or `url`, e.g. a fault proxy) writing to a fresh
 * index, with helpers to read it back; cleanup closes the task and deletes what it wrote.
 */
export async function openTask(extra: Record<string, string> = {}, url = opensearchUrl) {
  const index = `sink-${randomUUID()}`;
  const config = OpenSearchSink.validator.parse({ 'connection.url': url, 'index.name.template': index, ...extra });
  const reports: { record: SinkRecord; error: Error }[] = [];
  const log = recordingLogger();
  const sink = (await OpenSearchSink.createTask(
    config,
    sinkTaskContext(reports, new AbortController().signal, log),
  )) as OpenSearchSinkTask;
  const get = async (id: string, target = index) => {
    await admin.indices.refresh({ index: target }, { ignore: [404] });
    const found = await admin.get({ index: target, id }, { ignore: [404] });
    return found.body.found ? found.body._source : null;
  };
  const all = async (target = index) => {
    await admin.indices.refresh({ index: target });
    const found = await admin.search({ index: target, body: { size: 10_000, query: { match_all: {} } } });
    return found.body.hits.hits;
  };
  const cleanup = async (...more: string[]) => {
    await sink.close();
    await admin.indices.delete({ index: [index, ...more].join(',') }, { ignore: [404] });
  };
  return { sink, index, get, all, reports, log, cleanup };
}
