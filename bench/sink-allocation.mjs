// Where the OpenSearch sink path allocates (and spends its CPU): runs the opensearch-sink
// scenario's sink step once (Kafka -> sink task runner -> OpenSearch) under V8's sampling heap
// profiler, counting objects that were collected too, or under the CPU profiler
// (SINK_PROFILE=cpu), and writes the top sites to bench/reports/sink-allocation-profile.md.
// Needs KAFKA_BOOTSTRAP_SERVERS and OPENSEARCH_URL (npm run services:up) and a build (npx tsc -b).
//   node bench/sink-allocation.mjs [documents=100000]
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './scenarios/opensearch-sink.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = Number(process.argv[2] ?? 100_000);
const cpu = process.env.SINK_PROFILE === 'cpu';
const session = new Session();
session.connect();

const siteOf = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/') || '(native)'}:${lineNumber + 1}`;

/** Bytes allocated per site (self), from a sampling heap profile. */
function heapSites(profile) {
  const sites = new Map();
  const walk = (node) => {
    sites.set(siteOf(node.callFrame), (sites.get(siteOf(node.callFrame)) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  return sites;
}

/** Milliseconds of samples per site (self), from a CPU profile. */
function cpuSites(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const interval = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const sites = new Map();
  for (const id of profile.samples) {
    const site = siteOf(byId.get(id).callFrame);
    sites.set(site, (sites.get(site) ?? 0) + interval);
  }
  return sites;
}

async function profiled(step) {
  if (cpu) {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const result = await step();
  const sites = cpu
    ? cpuSites((await session.post('Profiler.stop')).profile)
    : heapSites((await session.post('HeapProfiler.stopSampling')).profile);
  return { result, sites };
}

let profile;
await run({
  docs,
  rounds: 1,
  steps: ({ throughSink }) => [
    async () => {
      profile = await profiled(throughSink);
      return profile.result;
    },
  ],
  summary: false,
});
const unit = cpu ? 'ms' : 'MB';
const scale = cpu ? 1 : 1e-6;
const total = [...profile.sites].reduce((sum, [site, value]) => sum + (site.startsWith('(idle)') ? 0 : value), 0);
const rows = [...profile.sites]
  .filter(([site]) => !site.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25)
  .map(([site, value]) => `| \`${site}\` | ${(value * scale).toFixed(1)} |`);
const markdown = `# Sink path ${cpu ? 'CPU' : 'allocation'} profile

Run ${new Date().toISOString()}: ${docs} documents through Kafka -> sink task runner -> OpenSearch
(the opensearch-sink scenario's sink step, ${profile.result.cpuSeconds.toFixed(2)} CPU s,
${Math.round(profile.result.perSecond)} docs/s). ${
  cpu
    ? 'Main-thread samples every 0.2 ms, self time per function, idle left out.'
    : 'V8 sampling heap profiler (every 8 KiB, objects already collected counted too), self bytes per function.'
}
Total: ${(total * scale).toFixed(1)} ${unit}.

| site | ${unit} |
|---|---|
${rows.join('\n')}

Reproduce: \`node bench/sink-allocation.mjs ${docs}\`${cpu ? ' with SINK_PROFILE=cpu' : ''}.
`;
fs.writeFileSync(path.join(root, 'bench', 'reports', `sink-${cpu ? 'cpu' : 'allocation'}-profile.md`), markdown);
console.log(markdown);
