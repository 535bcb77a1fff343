export type { ServiceAddresses, ServiceName, ServiceSource } from './services/addresses.js';
export { SERVICE_ENV, SERVICE_NAMES, addressFromEnv, requireService } from './services/addresses.js';
export { CONTAINER_IMAGES, dockerEngineAvailable } from './services/containers.js';
export type { ServiceEnvironment, ServiceEnvironmentOptions } from './services/environment.js';
export { exportAddresses, startServiceEnvironment } from './services/environment.js';
