/** Runs the request sequence against both sides in lockstep and collects the differences. */
import type { CompareOptions, Difference, Observation } from './compare';
import { compareObservations, normalize } from './compare';
import type { Action, Step, Wait } from './steps';

/** One REST API under test, with the strings that are its own (replaced by placeholders). */
export interface Side {
  readonly url: string;
  /** Connector-name prefix, `{P}` in the steps. */
  readonly prefix: string;
  /** Directory of its files, `{DIR}` in the steps. */
  readonly dir: string;
}

export interface Run {
  readonly differences: Difference[];
  /** Every step's two answers, normalized, for the report. */
  readonly answers: { id: string; connect: Observation; sluice: Observation }[];
}

const fill = (text: string, side: Side) => text.split('{P}').join(side.prefix).split('{DIR}').join(side.dir);

export function replacements(side: Side): [string, string][] {
  const hostPort = side.url.replace(/^https?:\/\//, '');
  return [
    [side.url, '<URL>'],
    [hostPort, '<WORKER>'],
    [side.dir, '<DIR>'],
    [side.prefix, '<P>'],
  ];
}

async function send(side: Side, method: string, path: string, body?: unknown, contentType?: string) {
  const payload =
    body === undefined
      ? undefined
      : typeof body === 'string'
        ? fill(body, side)
        : JSON.stringify(JSON.parse(fill(JSON.stringify(body), side)));
  const response = await fetch(`${side.url}${fill(path, side)}`, {
    method,
    headers: payload === undefined ? {} : { 'content-type': contentType ?? 'application/json' },
    ...(payload === undefined ? {} : { body: payload }),
    signal: AbortSignal.timeout(90_000),
  });
  const text = await response.text();
  let parsed: unknown = text === '' ? undefined : text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { response, parsed };
}

/** Distributed Connect refuses requests for a moment after a config change: ask again then. */
const rebalancing = (status: number, body: unknown) =>
  (status === 409 || status === 500) && /rebalance/i.test(String((body as { message?: unknown })?.message));

async function observe(side: Side, step: Step): Promise<Observation> {
  let { response, parsed } = await send(side, step.method, step.path, step.body, step.contentType);
  for (let retry = 0; retry < 50 && rebalancing(response.status, parsed); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    ({ response, parsed } = await send(side, step.method, step.path, step.body, step.contentType));
  }
  const map = replacements(side);
  const location = response.headers.get('location');
  const body = normalize(parsed, map);
  return {
    status: response.status,
    ...(location === null ? {} : { location: normalize(location, map) as string }),
    body: step.view ? step.view(body) : body,
  };
}

async function waitFor(side: Side, action: Wait): Promise<string> {
  const deadline = Date.now() + (action.timeoutMs ?? 30_000);
  let last = 'no answer';
  let holdingSince: number | undefined;
  for (;;) {
    try {
      const { response, parsed } = await send(side, 'GET', action.path);
      const met = action.until(parsed, response.status);
      holdingSince = met ? (holdingSince ?? Date.now()) : undefined;
      if (holdingSince !== undefined && Date.now() - holdingSince >= (action.stableMs ?? 0)) return 'met';
      last = `${response.status} ${JSON.stringify(normalize(parsed, replacements(side))).slice(0, 300)}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) return `timed out; last answer: ${last}`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function runSequence(
  actions: readonly Action[],
  connect: Side,
  sluice: Side,
  global: CompareOptions,
): Promise<Run> {
  const differences: Difference[] = [];
  const answers: Run['answers'] = [];
  const ids = new Set<string>();
  for (const action of actions) {
    if (ids.has(action.id)) throw new Error(`two steps named ${action.id}: give one a label`);
    ids.add(action.id);
    if (action.kind === 'wait') {
      const [c, s] = await Promise.all([waitFor(connect, action), waitFor(sluice, action)]);
      if (c !== s) differences.push({ step: action.id, path: 'wait', connect: c, sluice: s });
      continue;
    }
    const [c, s] = await Promise.all([observe(connect, action), observe(sluice, action)]);
    answers.push({ id: action.id, connect: c, sluice: s });
    const options: CompareOptions = {
      ignoreValues: [...(global.ignoreValues ?? []), ...(action.compare?.ignoreValues ?? [])],
      keyBy: { ...global.keyBy, ...action.compare?.keyBy },
      shapeOnly: [...(global.shapeOnly ?? []), ...(action.compare?.shapeOnly ?? [])],
    };
    differences.push(...compareObservations(action.id, c, s, options));
  }
  return { differences, answers };
}
