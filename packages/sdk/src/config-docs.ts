import type { ConfigSchema } from './config-schema.js';
import { ConfigValidator } from './config-validation.js';

export const TABLE_START = '<!-- sluice:config-table -->';
export const TABLE_END = '<!-- /sluice:config-table -->';

/** The connector's config as a Markdown table, generated from its schema (the single source). */
export function configTable(schema: ConfigSchema): string {
  const rows = new ConfigValidator(schema).definitions.map((field) => {
    const property = schema.properties[field.name] as { enum?: unknown[] };
    const allowed = property.enum ? ` One of: ${property.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    const cells = [
      `\`${field.name}\``,
      field.type,
      field.defaultValue === null ? '' : `\`${field.defaultValue}\``,
      field.required ? 'yes' : '',
      `${field.documentation}${allowed}`.replace(/\|/g, '\\|').replace(/\n/g, ' '),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| key | type | default | required | description |', '|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The README text with the table between the markers replaced by the generated one. Throws
 * when the markers are missing, so a README cannot silently lose its table.
 */
export function updateReadmeTable(readme: string, schema: ConfigSchema): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no config table markers: add ${TABLE_START} and ${TABLE_END} where the table goes`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${configTable(schema)}\n\n${readme.slice(end)}`;
}
