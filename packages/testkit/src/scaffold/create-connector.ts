import fs from 'node:fs';
import path from 'node:path';

export type ConnectorKind = 'source' | 'sink';

export interface ScaffoldOptions {
  /** npm package name, e.g. `acme-widgets-sink` or `@acme/widgets-sink`. */
  readonly name: string;
  readonly kind: ConnectorKind;
  /** Directory the package directory is created in. */
  readonly parentDir: string;
  readonly description?: string;
}

export interface Scaffolded {
  readonly dir: string;
  readonly alias: string;
  readonly files: string[];
}

const TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Where each template goes in the new package. */
const LAYOUT: Record<ConnectorKind, [template: string, target: string][]> = {
  source: [
    ['source/index.ts.tmpl', 'src/index.ts'],
    ['source/contract.test.ts.tmpl', 'test/contract.test.ts'],
    ['source/README.md.tmpl', 'README.md'],
  ],
  sink: [
    ['sink/index.ts.tmpl', 'src/index.ts'],
    ['sink/contract.test.ts.tmpl', 'test/contract.test.ts'],
    ['sink/README.md.tmpl', 'README.md'],
  ],
};
const COMMON: [string, string][] = [
  ['common/package.json.tmpl', 'package.json'],
  ['common/tsconfig.json.tmpl', 'tsconfig.json'],
  ['common/jest.config.js.tmpl', 'jest.config.js'],
];

/**
 * Writes a new connector package that builds and passes the contract suite as generated: an
 * example connector over a local directory, its contract test and its docs. Refuses to write
 * over an existing directory.
 */
export function createConnector(options: ScaffoldOptions): Scaffolded {
  if (!PACKAGE_NAME.test(options.name)) {
    throw new Error(
      `name: "${options.name}" is not an npm package name (lowercase letters, digits, - . _, optional @scope/)`,
    );
  }
  if (options.kind !== 'source' && options.kind !== 'sink') {
    throw new Error(`kind: must be "source" or "sink", not "${String(options.kind)}"`);
  }
  const dir = path.resolve(options.parentDir, options.name.replace(/^@[^/]+\//, ''));
  if (fs.existsSync(dir)) throw new Error(`${dir} already exists; choose another name or remove it`);
  const alias = aliasOf(options.name, options.kind);
  const values: Record<string, string> = {
    __PACKAGE__: options.name,
    __ALIAS__: alias,
    __KIND__: options.kind,
    __DESCRIPTION__: options.description ?? `A Sluice ${options.kind} connector.`,
    __SDK_VERSION__: versionOf('@sluice/sdk'),
    __TESTKIT_VERSION__: versionOf('@sluice/testkit'),
  };
  const files: string[] = [];
  for (const [template, target] of [...COMMON, ...LAYOUT[options.kind]]) {
    const text = fs.readFileSync(path.join(TEMPLATES, template), 'utf8');
    const out = path.join(dir, target);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
      out,
      text.replace(/__[A-Z_]+__/g, (placeholder) => values[placeholder] ?? placeholder),
    );
    files.push(target);
  }
  return { dir, alias, files };
}

/** `acme-widgets` + sink → `AcmeWidgetsSink`; a name already ending in the kind keeps it once. */
export function aliasOf(name: string, kind: ConnectorKind): string {
  const words = name
    .replace(/^@[^/]+\//, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean);
  const pascal = words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
  const suffix = kind === 'source' ? 'Source' : 'Sink';
  return pascal.endsWith(suffix) ? pascal : `${pascal}${suffix}`;
}

function versionOf(pkg: string): string {
  const manifest =
    pkg === '@sluice/testkit' ? path.join(TEMPLATES, '..', 'package.json') : require.resolve(`${pkg}/package.json`);
  return `^${(JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}
