import convict from 'convict';
import { OVERRIDE_POLICY_NAMES, overridePolicyOf } from '@sluice/runtime';
import { nearest } from './did-you-mean.js';
import { readJsonFile } from './json-file.js';
import { CONNECT_LEVELS, parseConnectLevel } from './log-levels.js';
import type { ConnectLevel } from './log-levels.js';

// A level in any case, kept in lower case (winston's names) whether it came from the file, the
// environment or a flag: convict coerces every string value through its format.
convict.addFormat({
  name: 'positive-int',
  validate: (value: unknown) => {
    if (!Number.isInteger(value) || (value as number) < 1) throw new Error('must be a whole number of at least 1');
  },
  coerce: (value: string) => Number(value),
});
convict.addFormat({
  name: 'log-level',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || parseConnectLevel(value) === undefined)
      throw new Error(`must be one of ${CONNECT_LEVELS.join(', ')} (in any case)`);
  },
  coerce: (value: string) => (parseConnectLevel(value) === undefined ? value : value.trim().toLowerCase()),
});

convict.addFormat({
  name: 'override-policy',
  validate: (value: unknown) => {
    if (typeof value !== 'string' || overridePolicyOf(value) === undefined)
      throw new Error(`must be one of ${OVERRIDE_POLICY_NAMES.join(', ')}`);
  },
});

/**
 * The worker's own settings (not a connector's). One schema: it validates, documents
 * (`sluice-worker --help-config`) and types the config. Sources, later ones winning: defaults,
 * a JSON file, SLUICE_* environment variables, command-line flags.
 */
export const workerConfigSchema = {
  bootstrapServers: {
    doc: 'Kafka bootstrap servers, host:port[,host:port...].',
    format: String,
    default: '127.0.0.1:9092',
    env: 'SLUICE_BOOTSTRAP_SERVERS',
    arg: 'bootstrap-servers',
  },
  mode: {
    doc: 'standalone (one worker, state in stateDir) or distributed (workers sharing groupId form one cluster; state in Kafka topics; see docs/cluster.md).',
    format: ['standalone', 'distributed'],
    default: 'standalone',
    env: 'SLUICE_MODE',
    arg: 'mode',
  },
  groupId: {
    doc: 'Workers sharing a group id form one cluster (distributed mode).',
    format: String,
    default: 'sluice-cluster',
    env: 'SLUICE_GROUP_ID',
    arg: 'group-id',
  },
  cluster: {
    configStorageTopic: {
      doc: "Distributed: the config topic (Connect's config.storage.topic); empty: <groupId>-configs.",
      format: String,
      default: '',
      env: 'SLUICE_CONFIG_STORAGE_TOPIC',
      arg: 'config-storage-topic',
    },
    offsetStorageTopic: {
      doc: "Distributed: the source offsets topic (Connect's offset.storage.topic); empty: <groupId>-offsets.",
      format: String,
      default: '',
      env: 'SLUICE_OFFSET_STORAGE_TOPIC',
      arg: 'offset-storage-topic',
    },
    statusStorageTopic: {
      doc: "Distributed: the status topic (Connect's status.storage.topic); empty: <groupId>-status.",
      format: String,
      default: '',
      env: 'SLUICE_STATUS_STORAGE_TOPIC',
      arg: 'status-storage-topic',
    },
    replicationFactor: {
      doc: "Distributed: replication factor of the internal topics when created (Connect's *.storage.replication.factor); -1: the broker's default.",
      format: 'int',
      default: -1,
      env: 'SLUICE_STORAGE_REPLICATION_FACTOR',
      arg: 'storage-replication-factor',
    },
    offsetStoragePartitions: {
      doc: "Distributed: partitions of the offsets topic when created (Connect's offset.storage.partitions).",
      format: 'positive-int',
      default: 25,
      env: 'SLUICE_OFFSET_STORAGE_PARTITIONS',
      arg: 'offset-storage-partitions',
    },
    statusStoragePartitions: {
      doc: "Distributed: partitions of the status topic when created (Connect's status.storage.partitions).",
      format: 'positive-int',
      default: 5,
      env: 'SLUICE_STATUS_STORAGE_PARTITIONS',
      arg: 'status-storage-partitions',
    },
    sessionTimeoutMs: {
      doc: "Distributed: a worker silent this long loses its work to the others (the failure detector; Kafka's session.timeout.ms).",
      format: 'nat',
      default: 10_000,
      env: 'SLUICE_SESSION_TIMEOUT_MS',
      arg: 'session-timeout-ms',
    },
    advertisedUrl: {
      doc: 'Distributed: the URL other workers forward REST writes to; empty: http://<rest.host>:<rest.port>.',
      format: String,
      default: '',
      env: 'SLUICE_ADVERTISED_URL',
      arg: 'advertised-url',
    },
  },
  rest: {
    host: {
      doc: 'Address the REST API listens on.',
      format: String,
      default: '127.0.0.1',
      env: 'SLUICE_REST_HOST',
      arg: 'rest-host',
    },
    port: {
      doc: 'Port of the REST API (Kafka Connect uses 8083).',
      format: 'port',
      default: 8083,
      env: 'SLUICE_REST_PORT',
      arg: 'rest-port',
    },
    bodyLimitBytes: {
      doc: 'Largest request body accepted; a larger one is answered 413 and changes nothing.',
      format: 'nat',
      default: 1 << 20,
      env: 'SLUICE_REST_BODY_LIMIT_BYTES',
      arg: 'rest-body-limit-bytes',
    },
    tls: {
      keyFile: {
        doc: 'PEM private key: with certFile, the REST API serves HTTPS only.',
        format: String,
        default: '',
        env: 'SLUICE_REST_TLS_KEY_FILE',
        arg: 'rest-tls-key-file',
      },
      certFile: {
        doc: 'PEM certificate (chain) for the REST API.',
        format: String,
        default: '',
        env: 'SLUICE_REST_TLS_CERT_FILE',
        arg: 'rest-tls-cert-file',
      },
    },
    auth: {
      usersFile: {
        doc: 'HTTP basic auth: a file of "user: password" lines. Set, every request but /health and /ready needs credentials.',
        format: String,
        default: '',
        env: 'SLUICE_REST_AUTH_USERS_FILE',
        arg: 'rest-auth-users-file',
      },
      tokensFile: {
        doc: 'HTTP bearer auth: a file with one accepted token per line.',
        format: String,
        default: '',
        env: 'SLUICE_REST_AUTH_TOKENS_FILE',
        arg: 'rest-auth-tokens-file',
      },
    },
  },
  stateDir: {
    doc: 'Standalone mode: directory for connector configs and source offsets.',
    format: String,
    default: './sluice-state',
    env: 'SLUICE_STATE_DIR',
    arg: 'state-dir',
  },
  pluginPath: {
    doc: "Directories with connector packages (beside the worker's own node_modules).",
    format: Array,
    default: [] as string[],
    env: 'SLUICE_PLUGIN_PATH',
    arg: 'plugin-path',
  },
  offsetFlushIntervalMs: {
    doc: 'How often sink tasks flush and commit offsets (Connect: offset.flush.interval.ms).',
    format: 'nat',
    default: 10_000,
    env: 'SLUICE_OFFSET_FLUSH_INTERVAL_MS',
    arg: 'offset-flush-interval-ms',
  },
  shutdownTimeoutMs: {
    doc: 'On SIGTERM, how long tasks may take to flush, commit and close before the worker exits.',
    format: 'nat',
    default: 30_000,
    env: 'SLUICE_SHUTDOWN_TIMEOUT_MS',
    arg: 'shutdown-timeout-ms',
  },
  connectorClientConfigOverridePolicy: {
    doc: "Which producer/consumer/admin.override.* keys a connector may set (Connect's connector.client.config.override.policy): All, None, or Principal (sasl.jaas.config, sasl.mechanism, security.protocol only).",
    format: 'override-policy',
    default: 'All',
    env: 'SLUICE_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY',
    arg: 'connector-client-config-override-policy',
  },
  kafka: {
    doc: 'librdkafka settings passed to every Kafka client (security.protocol, sasl.*, ssl.*, ...).',
    format: Object,
    default: {} as Record<string, string | number | boolean>,
  },
  logLevel: {
    doc: `Log level at start, in any case: ${CONNECT_LEVELS.join(', ')}; changeable at run time through /admin/loggers.`,
    format: 'log-level',
    default: 'info',
    env: 'SLUICE_LOG_LEVEL',
    arg: 'log-level',
  },
} as const;

export interface WorkerConfig {
  readonly bootstrapServers: string;
  readonly mode: 'standalone' | 'distributed';
  readonly groupId: string;
  readonly cluster: {
    readonly configStorageTopic: string;
    readonly offsetStorageTopic: string;
    readonly statusStorageTopic: string;
    readonly replicationFactor: number;
    readonly offsetStoragePartitions: number;
    readonly statusStoragePartitions: number;
    readonly sessionTimeoutMs: number;
    readonly advertisedUrl: string;
  };
  readonly rest: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly tls: { readonly keyFile: string; readonly certFile: string };
    readonly auth: { readonly usersFile: string; readonly tokensFile: string };
  };
  readonly stateDir: string;
  readonly pluginPath: readonly string[];
  readonly offsetFlushIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  /** All, None, Principal or a Connect policy class name (checked by the schema). */
  readonly connectorClientConfigOverridePolicy: string;
  readonly kafka: Readonly<Record<string, string | number | boolean>>;
  /** Lower case, whatever case it was given in. */
  readonly logLevel: Lowercase<ConnectLevel>;
}

export interface LoadOptions {
  /** A JSON config file, keys as in the schema (`{"rest": {"port": 8083}}`). */
  readonly file?: string;
  /** Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Command-line words as convict reads them (`--rest-port 9000`; numbers-looking values are reparsed). */
  readonly args?: readonly string[];
  /** Values by setting key (`rest.port` → `9000`), taken as given; over the file, env and args. */
  readonly flags?: Readonly<Record<string, string>>;
}

/**
 * Loads and validates the worker config. Unknown keys (with the nearest known key, when one is
 * near) and bad values are rejected with one line per offending key, before anything starts; a
 * file that cannot be read or is not JSON is named, with the line and column of the fault.
 */
export function loadWorkerConfig(options: LoadOptions = {}): WorkerConfig {
  const config = convict(workerConfigSchema, {
    env: options.env ?? process.env,
    args: [...(options.args ?? [])],
  });
  const problems: string[] = [];
  if (options.file !== undefined) {
    const file = readJsonFile(options.file, 'config file');
    if (typeof file !== 'object' || file === null || Array.isArray(file))
      throw new Error(`config file ${options.file}: must hold a JSON object`);
    problems.push(...unknownKeys(file as Record<string, unknown>, workerConfigSchema, '', options.file));
    config.load(file);
  }
  for (const [key, value] of Object.entries(options.flags ?? {})) {
    if (workerSettingKeys().includes(key)) config.set(key, value);
    else problems.push(`unknown setting ${key}${suggestion(key)}`);
  }
  try {
    config.validate({ allowed: 'strict' });
  } catch (error) {
    // convict's own "not declared in the schema" lines are the unknown keys reported above
    const lines = (error as Error).message
      .split('\n')
      .filter((line) => line && !/not declared in the schema/.test(line));
    problems.push(...lines);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return config.getProperties() as WorkerConfig;
}

/** Every setting's dotted key (`rest.port`), from the schema. */
function workerSettingKeys(): string[] {
  return keysOf(workerConfigSchema, '');
}

function keysOf(schema: object, prefix: string): string[] {
  return Object.entries(schema).flatMap(([name, value]) =>
    isSetting(value) ? [`${prefix}${name}`] : keysOf(value as object, `${prefix}${name}.`),
  );
}

function isSetting(value: unknown): boolean {
  return typeof (value as { doc?: unknown }).doc === 'string';
}

/** `unknown setting restPort in worker.json; did you mean rest.port?`, one per unknown key. */
function unknownKeys(given: Record<string, unknown>, schema: object, prefix: string, file: string): string[] {
  return Object.entries(given).flatMap(([name, value]) => {
    const key = `${prefix}${name}`;
    const known = (schema as Record<string, unknown>)[name];
    if (known === undefined || !Object.hasOwn(schema, name)) {
      return [`unknown setting ${key} in ${file}${suggestion(key)}`];
    }
    if (isSetting(known) || typeof value !== 'object' || value === null) return [];
    return unknownKeys(value as Record<string, unknown>, known as object, `${key}.`, file);
  });
}

function suggestion(key: string): string {
  const near = nearest(key, workerSettingKeys());
  return near ? `; did you mean ${near}?` : '';
}
