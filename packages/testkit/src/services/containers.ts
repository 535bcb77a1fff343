import { spawnSync } from 'node:child_process';
import type { ServiceAddresses, ServiceName } from './addresses.js';
import { SERVICE_ENV } from './addresses.js';

/** Image tags matching the local-process versions, so both paths test the same servers. */
export const CONTAINER_IMAGES: Readonly<Record<ServiceName, string>> = {
  // Confluent Platform 8.1 is Apache Kafka 4.1 (testcontainers' Kafka module drives cp-kafka images)
  kafka: 'confluentinc/cp-kafka:8.1.0',
  opensearch: 'opensearchproject/opensearch:2.19.3',
  mongodb: 'mongo:7.0',
};

/** True when a Docker engine answers (a Docker client alone is not enough). */
export function dockerEngineAvailable(): boolean {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return info.status === 0 && info.stdout.trim() !== '';
}

/** The packages container support needs: optional peer dependencies of the testkit. */
export const CONTAINER_PACKAGES = [
  'testcontainers',
  '@testcontainers/kafka',
  '@testcontainers/mongodb',
  '@testcontainers/opensearch',
] as const;

/**
 * True when testcontainers is installed beside the testkit. It is an optional peer dependency:
 * an author who runs only the contract suites never installs it (nor compiles its native parts).
 */
export function containerSupportInstalled(): boolean {
  return CONTAINER_PACKAGES.every((name) => {
    try {
      require.resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

export interface StartedContainers {
  readonly addresses: Partial<ServiceAddresses>;
  stop(): Promise<void>;
}

/**
 * Starts the real images with testcontainers: a one-member MongoDB replica set, Kafka in KRaft
 * mode and OpenSearch without its security plugin. Loaded lazily: machines without Docker never
 * load testcontainers; without it installed, an error says what to install.
 */
export async function startContainers(names: readonly ServiceName[]): Promise<StartedContainers> {
  if (!containerSupportInstalled()) {
    throw new Error(
      `starting ${names.join(', ')} in containers needs testcontainers, an optional peer dependency of ` +
        `@sluice/testkit: npm install --save-dev ${CONTAINER_PACKAGES.map((name) => `${name}@11.14.0`).join(' ')} ` +
        `(or set ${names.map((name) => SERVICE_ENV[name]).join(', ')} to running services)`,
    );
  }
  const started: { stop(): Promise<unknown> }[] = [];
  const addresses: Partial<Record<ServiceName, string>> = {};
  try {
    for (const name of names) {
      const { address, container } = await starters[name]();
      started.push(container);
      addresses[name] = address;
    }
  } catch (error) {
    await Promise.allSettled(started.map((container) => container.stop()));
    throw error;
  }
  return {
    addresses,
    stop: async () => {
      await Promise.allSettled(started.map((container) => container.stop()));
    },
  };
}

type Starter = () => Promise<{ address: string; container: { stop(): Promise<unknown> } }>;

const starters: Record<ServiceName, Starter> = {
  async kafka() {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer(CONTAINER_IMAGES.kafka).start();
    return { address: `${container.getHost()}:${container.getMappedPort(9093)}`, container };
  },
  async opensearch() {
    const { OpenSearchContainer } = await import('@testcontainers/opensearch');
    const container = await new OpenSearchContainer(CONTAINER_IMAGES.opensearch).withSecurityEnabled(false).start();
    return { address: container.getHttpUrl(), container };
  },
  async mongodb() {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const container = await new MongoDBContainer(CONTAINER_IMAGES.mongodb).start();
    return { address: `${container.getConnectionString()}?directConnection=true`, container };
  },
};
