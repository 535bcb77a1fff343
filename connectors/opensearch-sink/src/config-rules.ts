import type { ConfigProblem } from '@sluice/sdk';
import type { SinkConfig } from './config.js';

/**
 * The sink's cross-field rules, which a JSON Schema cannot say: run by the runtime on every
 * validate, create and update (the connector's validate() hook), so a config that could not
 * start is refused before it is stored. Returns every broken rule.
 */
export function configProblems(config: SinkConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config['write.method'] === 'upsert' && config['document.version'] !== 'none')
    problems.push({
      field: 'write.method',
      reason: 'upsert needs document.version=none (updates take no external version)',
    });
  if (config['routing.source'] === 'field' && !config['routing.field'])
    problems.push({ field: 'routing.field', reason: 'must be set when routing.source=field' });
  if (config['routing.source'] === 'field' && config['behavior.on.null.values'] === 'delete')
    problems.push({
      field: 'behavior.on.null.values',
      reason:
        'delete cannot find the shard with routing.source=field (a tombstone has no value): use ignore or fail, or route by key',
    });
  return problems;
}
