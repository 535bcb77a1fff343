// The service environment alone, for jest's global setup, which runs outside the test
// environment and so must not load the contract suites (they import @jest/globals).
export type { ServiceAddresses, ServiceName, ServiceSource } from './addresses.js';
export { SERVICE_ENV, SERVICE_NAMES, addressFromEnv, requireService } from './addresses.js';
export {
  CONTAINER_IMAGES,
  CONTAINER_PACKAGES,
  containerSupportInstalled,
  dockerEngineAvailable,
} from './containers.js';
export type { ServiceEnvironment, ServiceEnvironmentOptions } from './environment.js';
export { exportAddresses, startServiceEnvironment } from './environment.js';
export type { ConnectWorker, ConnectWorkerOptions } from './connect.js';
export { startConnectWorker } from './connect.js';
export { installConnectPythonClient } from './connect-python-client.js';
