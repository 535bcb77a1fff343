/**
 * The request sequence of the differential test, run step by step against a real Kafka Connect
 * and a real sluice-worker. In paths and bodies `{P}` stands for the side's connector-name prefix
 * and `{DIR}` for its directory of files, so both sides run the same sequence on their own names,
 * files and topics (both share one broker, and a sink's consumer group is `connect-<name>`).
 */
import type { Method } from '../rest-client';
import type { CompareOptions } from './compare';

/** One request whose answers are compared. `id` names it in differences; unique. */
export interface Step {
  readonly kind: 'request';
  readonly id: string;
  readonly method: Method;
  readonly path: string;
  /** JSON body (strings templated); a string is sent as is (malformed JSON). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly compare?: CompareOptions;
  /** The part of the body compared (same function on both sides), e.g. a sorted list. */
  readonly view?: (body: unknown) => unknown;
}

/** Polls a resource on both sides until `until` holds; a side that times out is a difference. */
export interface Wait {
  readonly kind: 'wait';
  readonly id: string;
  readonly path: string;
  readonly until: (body: unknown, status: number) => boolean;
  readonly timeoutMs?: number;
  /** How long `until` must keep holding (after a restart, the old RUNNING state still shows). */
  readonly stableMs?: number;
}

export type Action = Step | Wait;

type Options = Pick<Step, 'compare' | 'view' | 'contentType'> & { readonly label?: string };

export function request(method: Method, path: string, body?: unknown, options: Options = {}): Step {
  const { label, ...rest } = options;
  return {
    kind: 'request',
    id: `${method} ${path}${label ? ` (${label})` : ''}`,
    method,
    path,
    ...(body === undefined ? {} : { body }),
    ...rest,
  };
}

export const get = (path: string, options: Options = {}): Step => request('GET', path, undefined, options);

export function wait(label: string, path: string, until: Wait['until'], more: Partial<Wait> = {}): Wait {
  return { kind: 'wait', id: `wait ${label}`, path, until, ...more };
}

interface StatusBody {
  connector?: { state?: string };
  tasks?: { state?: string }[];
}

/** The connector and all its tasks (at least one) in `state`. */
export const allIn =
  (state: string) =>
  (body: unknown): boolean => {
    const status = body as StatusBody;
    const tasks = status.tasks ?? [];
    return status.connector?.state === state && tasks.length > 0 && tasks.every((task) => task.state === state);
  };

export const stopped = (body: unknown): boolean => {
  const status = body as StatusBody;
  return status.connector?.state === 'STOPPED' && (status.tasks ?? []).length === 0;
};

export const sorted = (body: unknown): unknown => (Array.isArray(body) ? [...body].sort() : body);

export const SRC = '{P}-src';
export const srcConfig = {
  'connector.class': 'FileStreamSource',
  'tasks.max': '1',
  file: '{DIR}/src.txt',
  topic: '{P}-src-topic',
};
export const feedConfig = { ...srcConfig, file: '{DIR}/feed.txt', topic: '{P}-feed-topic' };
export const sinkConfig = {
  'connector.class': 'FileStreamSink',
  'tasks.max': '1',
  file: '{DIR}/sink.txt',
  topics: '{P}-feed-topic',
};
/** The lines of src.txt and feed.txt: 3 records each, the last source offset is position 6. */
export const LINES = 'a\nb\nc\n';
