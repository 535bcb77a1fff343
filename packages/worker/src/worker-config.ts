import convict from 'convict';

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
  groupId: {
    doc: 'Workers sharing a group id form one cluster (distributed mode).',
    format: String,
    default: 'sluice-cluster',
    env: 'SLUICE_GROUP_ID',
    arg: 'group-id',
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
  kafka: {
    doc: 'librdkafka settings passed to every Kafka client (security.protocol, sasl.*, ssl.*, ...).',
    format: Object,
    default: {} as Record<string, string | number | boolean>,
  },
  logLevel: {
    doc: 'Log level at start; changeable at run time through /admin/loggers.',
    format: ['error', 'warn', 'info', 'debug'],
    default: 'info',
    env: 'SLUICE_LOG_LEVEL',
    arg: 'log-level',
  },
} as const;

export interface WorkerConfig {
  readonly bootstrapServers: string;
  readonly groupId: string;
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
  readonly kafka: Readonly<Record<string, string | number | boolean>>;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export interface LoadOptions {
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
}

/**
 * Loads and validates the worker config. Unknown keys and bad values are rejected with a
 * message naming each offending key, before anything starts.
 */
export function loadWorkerConfig(options: LoadOptions = {}): WorkerConfig {
  const config = convict(workerConfigSchema, {
    env: options.env ?? process.env,
    args: [...(options.args ?? [])],
  });
  if (options.file !== undefined) config.loadFile(options.file);
  config.validate({ allowed: 'strict' });
  return config.getProperties() as WorkerConfig;
}
