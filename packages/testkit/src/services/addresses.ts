/** Where the real services a test or demo needs are listening. */
export interface ServiceAddresses {
  /** Kafka bootstrap servers, `host:port[,host:port...]`. */
  readonly kafka: string;
  /** OpenSearch base URL, `http://host:port`. */
  readonly opensearch: string;
  /** MongoDB connection string of a replica set (change streams need one). */
  readonly mongodb: string;
}

export type ServiceName = keyof ServiceAddresses;

/** The environment variables tests, the demo and benchmarks read, by service. */
export const SERVICE_ENV: Readonly<Record<ServiceName, string>> = {
  kafka: 'KAFKA_BOOTSTRAP_SERVERS',
  opensearch: 'OPENSEARCH_URL',
  mongodb: 'MONGODB_URI',
};

export const SERVICE_NAMES = Object.keys(SERVICE_ENV) as ServiceName[];

/** How the addresses were obtained, for logs and for the docs of which server a test ran on. */
export type ServiceSource = 'env' | 'testcontainers' | 'local-processes';

/** Reads one service's address from its environment variable, if set and non-empty. */
export function addressFromEnv(name: ServiceName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SERVICE_ENV[name]];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The address of a service a test needs. A missing one is an error that says how to get it:
 * tests never skip quietly because a service is absent.
 */
export function requireService(name: ServiceName, env: NodeJS.ProcessEnv = process.env): string {
  const address = addressFromEnv(name, env);
  if (address === undefined) {
    throw new Error(
      `${SERVICE_ENV[name]} is not set: this test needs a real ${name}. Run the tests with ` +
        '`npm test` (which starts the services), or start them with `npm run services:up` and ' +
        `export ${SERVICE_ENV[name]}.`,
    );
  }
  return address;
}
