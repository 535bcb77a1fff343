/** Runs client-driver.py (kafka-connect-py) against both sides and compares what it got. */
import { spawn } from 'node:child_process';
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

function drive(python: string, side: Side): Promise<Result[]> {
  const script = path.join(__dirname, 'client-driver.py');
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, side.url, side.prefix, side.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`client-driver.py against ${side.url} exited ${code}:\n${stderr}`));
      resolve(JSON.parse(stdout) as Result[]);
    });
  });
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

export async function runClient(
  python: string,
  connect: Side,
  sluice: Side,
  options: CompareOptions,
): Promise<Difference[]> {
  const [c, s] = await Promise.all([drive(python, connect), drive(python, sluice)]);
  const differences: Difference[] = [];
  for (let i = 0; i < Math.max(c.length, s.length); i++) {
    const [cr, sr] = [c[i], s[i]];
    if (!cr || !sr || cr.op !== sr.op) {
      differences.push({ step: `client ${cr?.op ?? sr?.op}`, path: 'op', connect: cr?.op ?? '', sluice: sr?.op ?? '' });
      break;
    }
    differences.push(
      ...compareObservations(`client ${cr.op}`, observation(cr, connect), observation(sr, sluice), options),
    );
  }
  return differences;
}
