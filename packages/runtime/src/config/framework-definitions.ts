import type { Connector } from '@sluice/sdk';

/**
 * A framework key's definition in the shape of Connect's ConfigKeyInfo. Names, types, defaults,
 * importance, groups, widths and display names are Kafka Connect 4.1's (measured against it by
 * the worker's parity test), so tools that build forms from them see the same fields; the
 * documentation is Sluice's own.
 */
export interface FrameworkKeyDefinition {
  readonly name: string;
  readonly type: 'STRING' | 'INT' | 'LONG' | 'SHORT' | 'BOOLEAN' | 'LIST' | 'CLASS';
  readonly required: boolean;
  readonly defaultValue: string | null;
  readonly importance: 'HIGH' | 'MEDIUM' | 'LOW';
  readonly documentation: string;
  readonly group: string;
  readonly width: 'SHORT' | 'MEDIUM' | 'LONG';
  readonly displayName: string;
  readonly order: number;
}

type Row = [
  name: string,
  type: FrameworkKeyDefinition['type'],
  defaultValue: string | null,
  importance: FrameworkKeyDefinition['importance'],
  width: FrameworkKeyDefinition['width'],
  displayName: string,
  documentation: string,
];

const rows = (group: string, list: readonly Row[], first = 1): FrameworkKeyDefinition[] =>
  list.map(([name, type, defaultValue, importance, width, displayName, documentation], index) => ({
    name,
    type,
    required: name === 'name' || name === 'connector.class',
    defaultValue,
    importance,
    documentation,
    group,
    width,
    displayName,
    order: first + index,
  }));

const converter = (role: string): Row[] => [
  [`${role}.converter`, 'CLASS', null, 'LOW', 'SHORT', `${cap(role)} converter class`, `Converts ${role}s.`],
  [
    `${role}.converter.plugin.version`,
    'STRING',
    null,
    'LOW',
    'SHORT',
    `${cap(role)} converter version`,
    'Version of the converter (informational in Sluice).',
  ],
];

function cap(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

const COMMON: readonly FrameworkKeyDefinition[] = [
  ...rows('Common', [
    ['name', 'STRING', null, 'HIGH', 'MEDIUM', 'Connector name', 'Unique name of the connector.'],
    ['connector.class', 'STRING', null, 'HIGH', 'LONG', 'Connector class', 'Package name or alias of the connector.'],
    [
      'connector.plugin.version',
      'STRING',
      null,
      'MEDIUM',
      'MEDIUM',
      'Connector version',
      'Version of the connector plugin (informational in Sluice).',
    ],
    ['tasks.max', 'INT', '1', 'HIGH', 'SHORT', 'Tasks max', 'Most tasks to run for this connector.'],
    [
      'tasks.max.enforce',
      'BOOLEAN',
      'true',
      'LOW',
      'SHORT',
      'Enforce tasks max',
      'A connector never runs more than tasks.max tasks in Sluice.',
    ],
    ...converter('key'),
    ...converter('value'),
    ...converter('header'),
  ]),
  ...rows(
    'Transforms',
    [['transforms', 'LIST', '', 'LOW', 'LONG', 'Transforms', 'Aliases of the transforms to apply, in order.']],
    12,
  ),
  ...rows(
    'Predicates',
    [['predicates', 'LIST', '', 'LOW', 'LONG', 'Predicates', 'Aliases of the predicates transforms may use.']],
    13,
  ),
  ...rows(
    'Common',
    [
      [
        'config.action.reload',
        'STRING',
        'restart',
        'LOW',
        'MEDIUM',
        'Reload Action',
        'What to do when a config provider value changes.',
      ],
    ],
    14,
  ),
  ...rows('Error Handling', [
    [
      'errors.retry.timeout',
      'LONG',
      '0',
      'MEDIUM',
      'MEDIUM',
      'Retry Timeout for Errors',
      'How long a failed operation is retried (ms; -1 forever).',
    ],
    [
      'errors.retry.delay.max.ms',
      'LONG',
      '60000',
      'MEDIUM',
      'MEDIUM',
      'Maximum Delay Between Retries for Errors',
      'Longest wait between retries (ms).',
    ],
    [
      'errors.tolerance',
      'STRING',
      'none',
      'MEDIUM',
      'SHORT',
      'Error Tolerance',
      'none: a bad record fails the task; all: it is skipped.',
    ],
    ['errors.log.enable', 'BOOLEAN', 'false', 'MEDIUM', 'SHORT', 'Log Errors', 'Log each tolerated error.'],
    [
      'errors.log.include.messages',
      'BOOLEAN',
      'false',
      'MEDIUM',
      'SHORT',
      'Log Error Details',
      'Include the record in the error log line.',
    ],
  ]),
];

const SINK: readonly FrameworkKeyDefinition[] = [
  ...rows(
    'Common',
    [
      ['topics', 'LIST', '', 'HIGH', 'LONG', 'Topics', 'Topics to consume (or topics.regex).'],
      ['topics.regex', 'STRING', '', 'HIGH', 'LONG', 'Topics regex', 'Pattern of the topics to consume (or topics).'],
    ],
    4,
  ).map((key) => ({ ...key, order: 4 })),
  ...rows(
    'Error Handling',
    [
      [
        'errors.deadletterqueue.topic.name',
        'STRING',
        '',
        'MEDIUM',
        'MEDIUM',
        'Dead Letter Queue Topic Name',
        'Topic tolerated bad records go to.',
      ],
      [
        'errors.deadletterqueue.topic.replication.factor',
        'SHORT',
        '3',
        'MEDIUM',
        'MEDIUM',
        'Dead Letter Queue Topic Replication Factor',
        'Replication of the dead letter topic when created.',
      ],
      [
        'errors.deadletterqueue.context.headers.enable',
        'BOOLEAN',
        'false',
        'MEDIUM',
        'MEDIUM',
        'Enable Error Context Headers',
        'Add the error context as headers to dead-lettered records.',
      ],
    ],
    6,
  ),
];

const SOURCE: readonly FrameworkKeyDefinition[] = [
  ...rows('Topic Creation', [
    [
      'topic.creation.groups',
      'LIST',
      '',
      'LOW',
      'LONG',
      'Topic Creation Groups',
      'Groups of topic.creation.* settings besides default.',
    ],
  ]),
  ...rows(
    'Exactly Once Support',
    [
      [
        'exactly.once.support',
        'STRING',
        'requested',
        'MEDIUM',
        'SHORT',
        'Exactly once support',
        'Whether the connector must support exactly-once delivery.',
      ],
      [
        'transaction.boundary',
        'STRING',
        'poll',
        'MEDIUM',
        'SHORT',
        'Transaction Boundary',
        'Where producer transactions end.',
      ],
      [
        'transaction.boundary.interval.ms',
        'LONG',
        null,
        'LOW',
        'SHORT',
        'Transaction boundary interval',
        'Transaction length for transaction.boundary=interval.',
      ],
    ],
    2,
  ),
  ...rows('offsets.topic', [
    ['offsets.storage.topic', 'STRING', null, 'LOW', 'LONG', 'Offsets topic', "The connector's own offsets topic."],
  ]),
];

/** The framework keys a connector of this kind has, in Connect's order. */
export function frameworkDefinitions(connector: Pick<Connector, 'kind'>): readonly FrameworkKeyDefinition[] {
  return [...COMMON, ...(connector.kind === 'sink' ? SINK : SOURCE)];
}
