import type { FieldResult } from '@sluice/sdk';
import type { CatalogEntry, Herder } from '@sluice/runtime';

/**
 * Connect's ConfigInfos for a config: every field of the connector's own with its value and
 * errors, plus one entry per framework key at fault (secrets stay hidden). The config is checked
 * once, fully, by the herder: the same check a create or update runs.
 */
export function validateConfig(herder: Herder, entry: CatalogEntry, body: Record<string, string>) {
  const check = herder.validateConfig({ ...body, 'connector.class': entry.packageName, name: body.name ?? 'validate' });
  const own = new Map(check.fields.map((field) => [field.name, field]));
  const extra = new Map<string, FieldResult>();
  for (const problem of check.problems) {
    const field = own.get(problem.field);
    if (field) {
      if (!field.errors.includes(problem.reason))
        own.set(problem.field, { ...field, errors: [...field.errors, problem.reason] });
      continue;
    }
    const known = extra.get(problem.field);
    extra.set(problem.field, {
      name: problem.field,
      value: known?.value ?? body[problem.field] ?? null,
      recommendedValues: [],
      errors: [...(known?.errors ?? []), problem.reason],
      definition: null,
    });
  }
  const configs = [...extra.values(), ...own.values()].map((field) => ({
    definition: field.definition ? definitionView(field.definition) : null,
    value: valueView(field),
  }));
  return {
    name: entry.packageName,
    error_count: configs.reduce((count, config) => count + config.value.errors.length, 0),
    groups: [...new Set(check.fields.map((f) => f.definition?.group ?? 'Common'))],
    configs,
  };
}

export function definitionView(definition: NonNullable<FieldResult['definition']>) {
  return {
    name: definition.name,
    type: definition.type,
    required: definition.required,
    default_value: definition.defaultValue,
    importance: definition.importance,
    documentation: definition.documentation,
    group: definition.group,
    width: 'NONE',
    display_name: definition.name,
    dependents: [],
    order: definition.order,
  };
}

function valueView(field: FieldResult) {
  return {
    name: field.name,
    value: field.value,
    recommended_values: field.recommendedValues,
    errors: field.errors,
    visible: true,
  };
}
