export type { ChangeStreamScope } from './change-stream-scope.js';
export { openChangeStream, scopeName } from './change-stream-scope.js';
