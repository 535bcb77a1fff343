import fs from 'node:fs';
import { expect } from '@jest/globals';
import { updateReadmeTable } from '@sluice/sdk';
import type { ConfigSchema } from '@sluice/sdk';

/**
 * Fails when the README's config table differs from the one the schema generates. Run with
 * SLUICE_UPDATE_README=1 to rewrite the table instead (then commit the README).
 */
export function expectReadmeTableCurrent(readmePath: string, schema: ConfigSchema): void {
  const current = fs.readFileSync(readmePath, 'utf8');
  const generated = updateReadmeTable(current, schema);
  if (process.env.SLUICE_UPDATE_README === '1') {
    fs.writeFileSync(readmePath, generated);
    return;
  }
  expect(current).toBe(generated);
}
