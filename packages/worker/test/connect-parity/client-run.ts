/**
 * Runs a published client against both sides and compares what it got: client-driver.py
 * (kafka-connect-py, PyPI) and RestClientDriver.java (Apache Kafka's own RestClient from
 * connect-runtime, for the offsets calls kafka-connect-py lacks).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CompareOptions, Difference, Observation } from './compare';
import { compareObservations, normalize } from './compare';
import type { Side } from './run-sequence';
import { replacements } from './run-sequence';

interface Result {
  op: string;
  /** 0: the client returned; otherwise the HTTP status of the error it raised (-1: none attached). */
  status: number;
  body: unknown;
}

/** Runs one client against one side; resolves to what it did. */
export type Driver = (side: Side) => Promise<Result[]>;

function runProgram(command: string, args: string[], parse: (stdout: string) => Result[]): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`));
      resolve(parse(stdout));
    });
  });
}

export const pythonClient =
  (python: string): Driver =>
  (side) =>
    runProgram(python, [path.join(__dirname, 'client-driver.py'), side.url, side.prefix, side.dir], (out) =>
      JSON.parse(out),
    );

/** Compiles RestClientDriver.java against the Connect worker's jars (javac beside its java). */
export function connectRestClient(java: string, classpath: string, classesDir: string): Driver {
  const javac = path.join(path.dirname(java), 'javac');
  const source = path.join(__dirname, 'RestClientDriver.java');
  const compiled = spawnSync(javac, ['-d', classesDir, '-cp', classpath, source], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`javac failed (a JDK is needed): ${compiled.error ?? compiled.stderr}`);
  const parse = (out: string) => {
    const line = out.split('\n').find((text) => text.startsWith('RESULTS '));
    if (!line) throw new Error(`RestClientDriver printed no RESULTS line:\n${out}`);
    return JSON.parse(line.slice('RESULTS '.length)) as Result[];
  };
  return (side) =>
    runProgram(
      java,
      [
        '-Xmx128m',
        '-cp',
        `${classesDir}${path.delimiter}${classpath}`,
        'RestClientDriver',
        side.url,
        side.prefix,
        side.dir,
      ],
      parse,
    );
}

/** Error bodies arrive as text; parsed when JSON so they compare field by field. */
function observation(result: Result, side: Side): Observation {
  let body = result.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // plain text
    }
  }
  return { status: result.status, body: normalize(body, replacements(side)) };
}

/** Differences are named `<label> <op>`. */
export async function runClient(
  drive: Driver,
  label: string,
  connect: Side,
  sluice: Side,
  options: CompareOptions,
): Promise<Difference[]> {
  const [c, s] = await Promise.all([drive(connect), drive(sluice)]);
  const differences: Difference[] = [];
  for (let i = 0; i < Math.max(c.length, s.length); i++) {
    const [cr, sr] = [c[i], s[i]];
    if (!cr || !sr || cr.op !== sr.op) {
      differences.push({
        step: `${label} ${cr?.op ?? sr?.op}`,
        path: 'op',
        connect: cr?.op ?? '',
        sluice: sr?.op ?? '',
      });
      break;
    }
    differences.push(
      ...compareObservations(`${label} ${cr.op}`, observation(cr, connect), observation(sr, sluice), options),
    );
  }
  return differences;
}
