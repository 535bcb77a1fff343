/** Offsets (source and sink, stopped and not), topics, delete and answers for unknown names. */
import type { Action } from './steps';
import { SRC, allIn, feedConfig, get, request, sinkConfig, stopped, wait } from './steps';

interface Offsets {
  offsets?: { offset?: Record<string, unknown> }[];
}
const firstOffset = (body: unknown, key: string) => (body as Offsets).offsets?.[0]?.offset?.[key];
const sourceAt = (position: number) => (body: unknown) => firstOffset(body, 'position') === position;
const sinkAt = (offset: number) => (body: unknown) => firstOffset(body, 'kafka_offset') === offset;
const topicsOf = (name: string) => (body: unknown) =>
  ((body as Record<string, { topics?: string[] }>)[name]?.topics ?? []).length > 0;

const SINK = '{P}-sink';
const FEED = '{P}-feed';
const sinkPartition = { kafka_topic: '{P}-feed-topic', kafka_partition: 0 };
const alterSink = (offset: unknown, partition: unknown = sinkPartition) => ({ offsets: [{ partition, offset }] });

const sourceOffsets: Action[] = [
  wait(`${SRC} offsets stored`, `/connectors/${SRC}/offsets`, sourceAt(6)),
  get(`/connectors/${SRC}/offsets`, { label: 'stopped' }),
  request(
    'PATCH',
    `/connectors/${SRC}/offsets`,
    { offsets: [{ partition: { filename: '{DIR}/src.txt' }, offset: { position: 2 } }] },
    { label: 'alter' },
  ),
  get(`/connectors/${SRC}/offsets`, { label: 'after alter' }),
  request(
    'PATCH',
    `/connectors/${SRC}/offsets`,
    { offsets: [{ partition: { filename: '{DIR}/other.txt' }, offset: null }] },
    { label: 'remove a partition never stored' },
  ),
  request('PATCH', `/connectors/${SRC}/offsets`, {}, { label: 'no offsets' }),
  request('PATCH', `/connectors/${SRC}/offsets`, { offsets: 'all' }, { label: 'offsets not a list' }),
  request('PATCH', `/connectors/${SRC}/offsets`, '{"offsets": [', { label: 'malformed JSON' }),
  request('DELETE', `/connectors/${SRC}/offsets`, undefined, { label: 'reset' }),
  get(`/connectors/${SRC}/offsets`, { label: 'after reset' }),
  request('DELETE', `/connectors/${SRC}/offsets`, undefined, { label: 'reset again' }),
  get('/connectors/{P}-stopped/offsets', { label: 'never ran' }),
  request('DELETE', '/connectors/{P}-stopped/offsets', undefined, { label: 'never ran' }),
  get('/connectors/{P}-no-such/offsets', { label: 'unknown' }),
  request('PATCH', '/connectors/{P}-no-such/offsets', { offsets: [] }, { label: 'unknown' }),
  request('DELETE', '/connectors/{P}-no-such/offsets', undefined, { label: 'unknown' }),
  request('PUT', `/connectors/${SRC}/resume`, undefined, { label: 'from stopped' }),
  wait(`${SRC} running after reset`, `/connectors/${SRC}/status`, allIn('RUNNING')),
  // read the file again from the start (offsets reset): done once its offset is back at 6
  wait(`${SRC} read the file again`, `/connectors/${SRC}/offsets`, sourceAt(6)),
  wait(`${SRC} topics tracked`, `/connectors/${SRC}/topics`, topicsOf(SRC)),
  get(`/connectors/${SRC}/topics`),
  // reset while stopped: a running Connect task may record its topic again after the reset
  request('PUT', `/connectors/${SRC}/stop`, undefined, { label: 'before topics reset' }),
  wait(`${SRC} stopped before topics reset`, `/connectors/${SRC}/status`, stopped),
  request('PUT', `/connectors/${SRC}/topics/reset`),
  wait(`${SRC} topics reset`, `/connectors/${SRC}/topics`, (body) => !topicsOf(SRC)(body), { stableMs: 2000 }),
  get(`/connectors/${SRC}/topics`, { label: 'after reset' }),
];

const sinkOffsets: Action[] = [
  request('POST', '/connectors', { name: FEED, config: feedConfig }, { label: 'feed' }),
  request('POST', '/connectors', { name: SINK, config: sinkConfig }, { label: 'sink' }),
  wait(`${SINK} running`, `/connectors/${SINK}/status`, allIn('RUNNING')),
  wait(`${SINK} committed the feed`, `/connectors/${SINK}/offsets`, sinkAt(3), { timeoutMs: 60_000 }),
  wait(`${FEED} offsets stored`, `/connectors/${FEED}/offsets`, sourceAt(6)),
  get(`/connectors/${SINK}/offsets`, { label: 'running' }),
  get(`/connectors/${FEED}/offsets`, { label: 'running' }),
  get(`/connectors/${SINK}/topics`),
  get(`/connectors/${SINK}/tasks`),
  request('PUT', `/connectors/${SINK}/stop`),
  wait(`${SINK} stopped`, `/connectors/${SINK}/status`, stopped),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink({ kafka_offset: 1 }), { label: 'alter' }),
  get(`/connectors/${SINK}/offsets`, { label: 'after alter' }),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink({ kafka_offset: -1 }), { label: 'negative' }),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink({ kafka_offset: 'one' }), { label: 'not a number' }),
  request(
    'PATCH',
    `/connectors/${SINK}/offsets`,
    alterSink({ kafka_offset: 1 }, { kafka_topic: '{P}-feed-topic', kafka_partition: 'zero' }),
    { label: 'partition not a number' },
  ),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink({ kafka_offset: 1 }, { kafka_partition: 0 }), {
    label: 'no kafka_topic',
  }),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink({ offset: 1 }), { label: 'no kafka_offset' }),
  request('PATCH', `/connectors/${SINK}/offsets`, alterSink(null), { label: 'remove the partition' }),
  get(`/connectors/${SINK}/offsets`, { label: 'after remove' }),
  request('DELETE', `/connectors/${SINK}/offsets`, undefined, { label: 'reset' }),
  get(`/connectors/${SINK}/offsets`, { label: 'after reset' }),
];

const deleted: Action[] = [
  request('DELETE', `/connectors/${SRC}`),
  wait(`${SRC} gone`, `/connectors/${SRC}`, (_body, status) => status === 404),
  get(`/connectors/${SRC}`, { label: 'deleted' }),
  get(`/connectors/${SRC}/config`, { label: 'deleted' }),
  get(`/connectors/${SRC}/status`, { label: 'deleted' }),
  get(`/connectors/${SRC}/tasks`, { label: 'deleted' }),
  get(`/connectors/${SRC}/tasks/0/status`, { label: 'deleted' }),
  get(`/connectors/${SRC}/topics`, { label: 'deleted' }),
  request('PUT', `/connectors/${SRC}/topics/reset`, undefined, { label: 'deleted' }),
  request('PUT', `/connectors/${SRC}/pause`, undefined, { label: 'deleted' }),
  request('PUT', `/connectors/${SRC}/resume`, undefined, { label: 'deleted' }),
  request('PUT', `/connectors/${SRC}/stop`, undefined, { label: 'deleted' }),
  request('POST', `/connectors/${SRC}/restart`, undefined, { label: 'deleted' }),
  request('POST', `/connectors/${SRC}/restart?includeTasks=true`, undefined, { label: 'deleted' }),
  request('POST', `/connectors/${SRC}/tasks/0/restart`, undefined, { label: 'deleted' }),
  request('DELETE', `/connectors/${SRC}`, undefined, { label: 'deleted' }),
  request('POST', `/connectors/${FEED}/tasks`, [], { label: 'internal' }),
  request('PUT', `/connectors/${FEED}/fence`, undefined, { label: 'internal' }),
];

const cleanup: Action[] = [FEED, SINK, '{P}-put', '{P}-stopped'].map((name) =>
  request('DELETE', `/connectors/${name}`, undefined, { label: 'cleanup' }),
);

export const offsetSteps: Action[] = [...sourceOffsets, ...sinkOffsets, ...deleted, ...cleanup];
