import { workerConfigSchema } from './worker-config.js';

/** One worker setting as the schema declares it. */
export interface WorkerSettingDoc {
  /** Its key in the config file, dotted for nested objects (`rest.port`). */
  readonly key: string;
  readonly doc: string;
  readonly default: unknown;
  /** Its environment variable, when it has one. */
  readonly env?: string;
  /** Its command-line flag without the dashes, when it has one. */
  readonly arg?: string;
  /** What kind of value it takes, for help texts (`string`, `port`, `list`, ...). */
  readonly kind: string;
}

const START = '<!-- worker-settings:start -->';
const END = '<!-- worker-settings:end -->';

/** Every worker setting, in schema order, from the convict schema (the one source of truth). */
export function workerSettingDocs(): WorkerSettingDoc[] {
  return flatten(workerConfigSchema as unknown as Record<string, unknown>, '');
}

/** The worker settings as a Markdown table. */
export function workerSettingsTable(): string {
  const rows = workerSettingDocs().map((setting) => {
    const cells = [
      `\`${setting.key}\``,
      setting.env ? `\`${setting.env}\`` : '',
      setting.arg ? `\`--${setting.arg}\`` : '',
      `\`${JSON.stringify(setting.default)}\``,
      setting.doc.replace(/\|/g, '\\|'),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| key | env | flag | default | what |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The README with the table between its markers replaced by the generated one. */
export function updateWorkerSettingsTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} ... ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${workerSettingsTable()}\n${readme.slice(end)}`;
}

/** `--help`'s list: every setting by its flag, with its environment variable and default. */
export function workerSettingsHelp(): string {
  return workerSettingDocs()
    .map((setting) => {
      const value = setting.kind === 'string' ? 'VALUE' : setting.kind.toUpperCase();
      const flag = setting.arg ? `--${setting.arg} ${value}` : `(config file only: ${setting.key})`;
      const env = setting.env ? `  env ${setting.env}` : '';
      return `  ${flag}${env}  default ${JSON.stringify(setting.default)}\n      ${setting.doc}`;
    })
    .join('\n');
}

/** `--help-config`'s list: every setting by its config-file key, with its kind, default, env and flag. */
export function workerSettingsReference(): string {
  return workerSettingDocs()
    .map((setting) => {
      const also = [setting.env && `env ${setting.env}`, setting.arg && `flag --${setting.arg}`].filter(Boolean);
      const head = `  ${setting.key} (${setting.kind}, default ${JSON.stringify(setting.default)})`;
      return `${head}${also.length > 0 ? `  ${also.join(', ')}` : ''}\n      ${setting.doc}`;
    })
    .join('\n');
}

function flatten(schema: Record<string, unknown>, prefix: string): WorkerSettingDoc[] {
  return Object.entries(schema).flatMap(([name, value]) => {
    const key = `${prefix}${name}`;
    const setting = value as { doc?: unknown; default: unknown; env?: string; arg?: string; format?: unknown };
    if (typeof setting.doc !== 'string') return flatten(value as Record<string, unknown>, `${key}.`);
    const { doc, env, arg } = setting;
    return [
      { key, doc, default: setting.default, kind: kindOf(setting.format), ...(env && { env }), ...(arg && { arg }) },
    ];
  });
}

function kindOf(format: unknown): string {
  if (format === Array) return 'list';
  if (format === Object) return 'object';
  if (format === 'nat') return 'count';
  if (format === 'port') return 'port';
  if (format === 'log-level') return 'level';
  return 'string';
}
