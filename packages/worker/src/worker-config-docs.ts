import { workerConfigSchema } from './worker-config.js';

interface Setting {
  doc: string;
  default: unknown;
  env?: string;
  arg?: string;
}

const START = '<!-- worker-settings:start -->';
const END = '<!-- worker-settings:end -->';

/** The worker settings as a Markdown table, from the convict schema (the one source of truth). */
export function workerSettingsTable(): string {
  const rows = flatten(workerConfigSchema as unknown as Record<string, unknown>, '').map(([key, setting]) => {
    const cells = [
      `\`${key}\``,
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

function flatten(schema: Record<string, unknown>, prefix: string): [string, Setting][] {
  return Object.entries(schema).flatMap(([name, value]) => {
    const key = `${prefix}${name}`;
    const setting = value as Partial<Setting>;
    if (typeof setting.doc === 'string') return [[key, setting as Setting]];
    return flatten(value as Record<string, unknown>, `${key}.`);
  });
}
