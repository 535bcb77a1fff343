import { ConfigError } from '@sluice/sdk';
import type { ConfigProblem } from '@sluice/sdk';
import type { Converter } from '../converters/converter.js';
import { converterFor } from '../converters/converter-config.js';
import type { ErrorPolicy } from '../errors/error-policy.js';
import { errorPolicyOf } from '../errors/error-policy.js';
import type { RestartPolicy } from '../herder/restart-policy.js';
import { restartPolicyOf } from '../herder/restart-policy.js';
import type { TopicSpec } from '../kafka/admin.js';
import { topicCreationOf } from '../source/topic-creation.js';
import type { Transform } from '../transforms/transform.js';
import { transformChain } from '../transforms/transform-chain.js';

/**
 * A connector's framework keys, parsed once per config change and shared by all its tasks:
 * converters, the transform chain, the error policy, topic creation and the restart policy.
 * Every part is stateless, so one instance serves every task.
 */
export interface FrameworkConfig {
  readonly policy: ErrorPolicy;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly transform: Transform;
  /** Source: the spec of a topic to create on first write (topic.creation.*), when configured. */
  readonly topicCreation: ((topic: string) => TopicSpec) | undefined;
  readonly restartPolicy: RestartPolicy;
}

/** Builds the framework config, or reports every part that is wrong (each naming its key). */
export function frameworkConfigOf(framework: Readonly<Record<string, unknown>>): {
  readonly config?: FrameworkConfig;
  readonly problems: ConfigProblem[];
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
  const transform = part('transforms', () => transformChain(framework));
  const topicCreation = part('topic.creation.default.partitions', () => ({ spec: topicCreationOf(framework) }));
  const restartPolicy = part('sluice.restart.policy', () => restartPolicyOf(framework));
  if (!policy || !keyConverter || !valueConverter || !transform || !topicCreation || !restartPolicy) {
    return { problems };
  }
  return {
    config: { policy, keyConverter, valueConverter, transform, topicCreation: topicCreation.spec, restartPolicy },
    problems,
  };
}
