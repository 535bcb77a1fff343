import { ConfigValidator, Type } from '@sluice/sdk';
import type { ConfigOf } from '@sluice/sdk';

/** Kafka Connect's error-handling keys, names, defaults and meanings kept. */
export const errorPolicySchema = Type.Object({
  'errors.tolerance': Type.String({
    enum: ['none', 'all'],
    default: 'none',
    description:
      'none: an errant record fails the task. all: it is skipped (logged, sent to the dead-letter queue when set).',
  }),
  'errors.retry.timeout': Type.Integer({
    default: 0,
    minimum: -1,
    description: 'How long a retriable failure is retried, in ms; 0 retries nothing, -1 retries forever.',
  }),
  'errors.retry.delay.max.ms': Type.Integer({
    default: 60_000,
    minimum: 1,
    description: 'The longest wait between two retries (the backoff doubles up to it).',
  }),
  'errors.log.enable': Type.Boolean({ default: false, description: 'Log each errant record with its error.' }),
  'errors.log.include.messages': Type.Boolean({
    default: false,
    description: 'Include the record (topic, partition, offset, key, value) in that log line.',
  }),
  'errors.deadletterqueue.topic.name': Type.String({
    default: '',
    description: 'Topic errant records are sent to, unchanged; empty: none.',
  }),
  'errors.deadletterqueue.topic.replication.factor': Type.Integer({
    default: 3,
    minimum: -1,
    description: 'Replication factor of the dead-letter topic when Sluice creates it (-1: the broker default).',
  }),
  'errors.deadletterqueue.context.headers.enable': Type.Boolean({
    default: false,
    description: 'Add __connect.errors.* headers (origin, stage, exception) to dead-letter records.',
  }),
});

export type ErrorPolicy = ConfigOf<typeof errorPolicySchema>;

const validator = new ConfigValidator(errorPolicySchema);

/** The `errors.*` keys of a connector config, validated; throws a ConfigError naming the key. */
export function errorPolicyOf(config: Readonly<Record<string, unknown>>): ErrorPolicy {
  const keys = Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith('errors.')));
  return validator.parse(keys);
}
