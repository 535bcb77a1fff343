export type {
  ConnectWorker,
  ConnectWorkerOptions,
  ServiceAddresses,
  ServiceEnvironment,
  ServiceEnvironmentOptions,
  ServiceName,
  ServiceSource,
} from './services/index.js';
export {
  CONTAINER_IMAGES,
  CONTAINER_PACKAGES,
  SERVICE_ENV,
  SERVICE_NAMES,
  addressFromEnv,
  containerSupportInstalled,
  dockerEngineAvailable,
  exportAddresses,
  installConnectPythonClient,
  requireService,
  startConnectWorker,
  startServiceEnvironment,
} from './services/index.js';
export type { LogLine, Report } from './contract/task-contexts.js';
export { MemoryOffsetStore, recordingLogger, sinkTaskContext, sourceTaskContext } from './contract/task-contexts.js';
export type { ResourceSnapshot } from './contract/resources.js';
export {
  activeResources,
  expectNothingLeaked,
  leakedResources,
  releaseNewHandles,
  snapshotResources,
} from './contract/resources.js';
export type { SourceContractOptions, SourceFixture } from './contract/source-suite.js';
export { describeSourceContract } from './contract/source-suite.js';
export type { SinkContractOptions, SinkFixture } from './contract/sink-suite.js';
export { contractRecords, describeSinkContract } from './contract/sink-suite.js';
export { expectReadmeTableCurrent } from './contract/readme-table.js';
export type { ConnectorKind, ScaffoldOptions, Scaffolded } from './scaffold/create-connector.js';
export { aliasOf, createConnector } from './scaffold/create-connector.js';
export { eventually } from './contract/eventually.js';
