import { parseArgs } from 'node:util';

export const DEFAULT_PORT = 8080;
const HELP = `Usage: npm run demo -- [options]

  --products N          catalogue size loaded at start (default 100000, at least 100)
  --rate N              changes per second written after the load (default 200)
  --port N              the search page's port (default ${DEFAULT_PORT}, or a free one when that is taken; 0: any free one)
  --host H              the address the page listens on (default 127.0.0.1; 0.0.0.0 in a container)
  --refresh-interval T  the index's refresh interval (default 100ms)
  --queries N           search queries with facets timed after the load (default 300)
  --once                a bounded run: load, change for --seconds, report, check, exit
  --seconds N           how long --once writes changes (default 10)
  -h, --help            this text

Needs KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL and MONGODB_URI (npm run demo sets them).`;

/** The command line and the services' addresses; prints the help and exits for --help. */
export function options() {
  const { values } = parseArgs({
    options: {
      products: { type: 'string', default: '100000' },
      rate: { type: 'string', default: '200' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'refresh-interval': { type: 'string', default: '100ms' },
      queries: { type: 'string', default: '300' },
      once: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${values[name]}`);
    return value;
  };
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run the demo with \`npm run demo\`, which starts the services`);
    return value;
  };
  return {
    products: Math.max(number('products'), 100),
    rate: number('rate'),
    port: values.port === undefined ? undefined : number('port'),
    host: values.host,
    refreshInterval: values['refresh-interval'],
    queries: number('queries'),
    once: values.once,
    seconds: number('seconds'),
    kafka: env('KAFKA_BOOTSTRAP_SERVERS'),
    openSearchUrl: env('OPENSEARCH_URL'),
    mongoUri: env('MONGODB_URI'),
  };
}

export type Options = ReturnType<typeof options>;
