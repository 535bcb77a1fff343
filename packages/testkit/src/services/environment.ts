import type { ServiceAddresses, ServiceName, ServiceSource } from './addresses.js';
import { SERVICE_ENV, SERVICE_NAMES, addressFromEnv } from './addresses.js';
import { containerSupportInstalled, dockerEngineAvailable, startContainers } from './containers.js';
import { startLocalProcesses, stopLocalProcesses } from './local-processes.js';

export interface ServiceEnvironment {
  readonly addresses: ServiceAddresses;
  readonly sources: Readonly<Record<ServiceName, ServiceSource>>;
  /** Stops what this environment started; services found running are left running. */
  stop(): Promise<void>;
}

export interface ServiceEnvironmentOptions {
  /** The checkout whose `scripts/services` start local processes. */
  readonly repoRoot: string;
  readonly names?: readonly ServiceName[];
  /** Leave services this environment started running after stop() (faster re-runs). */
  readonly keep?: boolean;
  /** `auto` (default): containers when testcontainers is installed and a Docker engine answers, else local processes. */
  readonly prefer?: 'auto' | 'containers' | 'local';
}

/**
 * Finds or starts the real services: addresses from the environment first
 * (KAFKA_BOOTSTRAP_SERVERS, OPENSEARCH_URL, MONGODB_URI); for the rest, testcontainers with the
 * real images when a Docker engine is available; otherwise the repository's local-process scripts.
 * Never fakes a service: anything that cannot be had is an error.
 */
export async function startServiceEnvironment(options: ServiceEnvironmentOptions): Promise<ServiceEnvironment> {
  const names = options.names ?? SERVICE_NAMES;
  const addresses: Partial<Record<ServiceName, string>> = {};
  const sources: Partial<Record<ServiceName, ServiceSource>> = {};
  for (const name of names) {
    const address = addressFromEnv(name);
    if (address !== undefined) {
      addresses[name] = address;
      sources[name] = 'env';
    }
  }
  const missing = names.filter((name) => addresses[name] === undefined);
  let stop = async (): Promise<void> => {};
  if (missing.length > 0) {
    const prefer = options.prefer ?? 'auto';
    const useContainers =
      prefer === 'containers' || (prefer === 'auto' && containerSupportInstalled() && dockerEngineAvailable());
    if (useContainers) {
      const containers = await startContainers(missing);
      Object.assign(addresses, containers.addresses);
      stop = options.keep ? stop : containers.stop;
    } else {
      const local = await startLocalProcesses(options.repoRoot, missing);
      Object.assign(addresses, local.addresses);
      if (!options.keep && local.started.length > 0) {
        stop = () => stopLocalProcesses(options.repoRoot, local.started);
      }
    }
    for (const name of missing) sources[name] = useContainers ? 'testcontainers' : 'local-processes';
  }
  return { addresses: complete(addresses, names), sources: sources as Record<ServiceName, ServiceSource>, stop };
}

/** Services not asked for are reported as empty strings, never guessed. */
function complete(addresses: Partial<Record<ServiceName, string>>, names: readonly ServiceName[]): ServiceAddresses {
  const result: Record<ServiceName, string> = { kafka: '', opensearch: '', mongodb: '' };
  for (const name of names) {
    const address = addresses[name];
    if (address === undefined) throw new Error(`no address found for ${name} (${SERVICE_ENV[name]})`);
    result[name] = address;
  }
  return result;
}

/** Exports the addresses to process.env, where tests (in any jest worker) read them. */
export function exportAddresses(environment: ServiceEnvironment, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of SERVICE_NAMES) {
    const address = environment.addresses[name];
    if (address !== '') env[SERVICE_ENV[name]] = address;
  }
}
