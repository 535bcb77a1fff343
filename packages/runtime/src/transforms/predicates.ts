import { Type } from '@sluice/sdk';
import type { PredicatePlugin } from './transform.js';
import { definePredicate } from './transform.js';

const names = (simple: string) => [`org.apache.kafka.connect.transforms.predicates.${simple}`, simple];

export const predicates: PredicatePlugin[] = [
  definePredicate({
    names: names('TopicNameMatches'),
    description: 'True when the whole topic name matches the regex.',
    config: Type.Object({ pattern: Type.String({ minLength: 1, description: 'Regular expression.' }) }),
    create: (c) => {
      const regex = new RegExp(`^(?:${c.pattern})$`);
      return (record) => regex.test(record.topic);
    },
  }),
  definePredicate({
    names: names('HasHeaderKey'),
    description: 'True when the record has a header with this name.',
    config: Type.Object({ name: Type.String({ minLength: 1, description: 'Header name.' }) }),
    create: (c) => (record) => c.name in record.headers,
  }),
  definePredicate({
    names: names('RecordIsTombstone'),
    description: 'True when the record value is null.',
    config: Type.Object({}),
    create: () => (record) => record.value === null || record.value === undefined,
  }),
] as unknown as PredicatePlugin[];
