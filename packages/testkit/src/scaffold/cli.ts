import { parseArgs } from 'node:util';
import { createConnector } from './create-connector.js';
import type { ConnectorKind } from './create-connector.js';

const USAGE = `usage: sluice-create-connector <package-name> --kind source|sink [--dir <parent>] [--description <text>]

Creates a connector package that builds and passes the Sluice contract suite as generated.`;

/** The `sluice-create-connector` command; returns the exit code. */
export function main(argv: string[]): number {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        dir: { type: 'string', default: '.' },
        description: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || positionals.length !== 1 || values.kind === undefined) {
      process.stderr.write(`${USAGE}\n`);
      return values.help ? 0 : 2;
    }
    const created = createConnector({
      name: positionals[0] as string,
      kind: values.kind as ConnectorKind,
      parentDir: values.dir,
      ...(values.description === undefined ? {} : { description: values.description }),
    });
    process.stdout.write(
      `created ${created.alias} in ${created.dir}:\n${created.files.map((file) => `  ${file}`).join('\n')}\n` +
        `next: cd ${created.dir} && npm install && npm run build && npm test\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`sluice-create-connector: ${(error as Error).message}\n`);
    return 1;
  }
}
