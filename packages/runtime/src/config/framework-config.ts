import { ConfigError } from '@sluice/sdk';
import type { ConfigProblem } from '@sluice/sdk';
import type { Converter } from '../converters/converter.js';
import { converterFor, headerConverterFor } from '../converters/converter-config.js';
import type { ErrorPolicy } from '../errors/error-policy.js';
import { errorPolicyOf } from '../errors/error-policy.js';
import type { RestartPolicy } from '../herder/restart-policy.js';
import { restartPolicyOf } from '../herder/restart-policy.js';
import type { TopicSpec } from '../kafka/admin.js';
import { topicCreationOf } from '../source/topic-creation.js';
import type { Transform } from '../transforms/transform.js';
import { transformChain } from '../transforms/transform-chain.js';
import type { ClientOverrides, ClientUse, OverridePolicy } from './client-overrides.js';
import { clientOverridesOf } from './client-overrides.js';

/**
 * A connector's framework keys, parsed once per config change and shared by all its tasks:
 * converters, the transform chain, the error policy, topic creation, the restart policy and the
 * client overrides.
 * Every part is stateless, so one instance serves every task.
 */
export interface FrameworkConfig {
  readonly policy: ErrorPolicy;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  /** header.converter for a source's text header values; undefined: SimpleHeaderConverter. */
  readonly headerConverter: Converter | undefined;
  readonly transform: Transform;
  /** Source: the spec of a topic to create on first write (topic.creation.*), when configured. */
  readonly topicCreation: ((topic: string) => TopicSpec) | undefined;
  readonly restartPolicy: RestartPolicy;
  /** producer/consumer/admin.override.*: each client's settings over the worker's. */
  readonly clients: ClientOverrides;
}

export interface FrameworkChecks {
  /** The worker's connector.client.config.override.policy (default All, as Connect's). */
  readonly overridePolicy?: OverridePolicy;
  /** Which clients the connector uses, once its kind is known: overrides of others are warned of. */
  readonly clientUse?: ClientUse;
}

/** Builds the framework config, or reports every part that is wrong (each naming its key). */
export function frameworkConfigOf(
  framework: Readonly<Record<string, unknown>>,
  checks: FrameworkChecks = {},
): {
  readonly config?: FrameworkConfig;
  readonly problems: ConfigProblem[];
  /** Settings kept that weaken a guarantee or have no effect (client overrides). */
  readonly warnings: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const part = <T>(fallbackField: string, build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else problems.push({ field: fallbackField, reason: (error as Error).message });
      return undefined;
    }
  };
  const policy = part('errors.tolerance', () => errorPolicyOf(framework));
  const keyConverter = part('key.converter', () => converterFor('key', framework));
  const valueConverter = part('value.converter', () => converterFor('value', framework));
  const headerConverter = part('header.converter', () => ({ converter: headerConverterFor(framework) }));
  const transform = part('transforms', () => transformChain(framework));
  const topicCreation = part('topic.creation.default.partitions', () => ({ spec: topicCreationOf(framework) }));
  const restartPolicy = part('sluice.restart.policy', () => restartPolicyOf(framework));
  const clients = clientOverridesOf(framework, checks.overridePolicy ?? 'All', checks.clientUse);
  problems.push(...clients.problems);
  const { warnings } = clients;
  if (
    !policy ||
    !keyConverter ||
    !valueConverter ||
    !headerConverter ||
    !transform ||
    !topicCreation ||
    !restartPolicy
  ) {
    return { problems, warnings };
  }
  if (clients.problems.length > 0) return { problems, warnings };
  return {
    config: {
      policy,
      keyConverter,
      valueConverter,
      headerConverter: headerConverter.converter,
      transform,
      topicCreation: topicCreation.spec,
      restartPolicy,
      clients: clients.overrides,
    },
    problems,
    warnings,
  };
}
