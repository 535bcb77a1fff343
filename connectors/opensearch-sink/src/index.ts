export type { DocumentWrite } from './bulk-body.js';
export { bulkBody } from './bulk-body.js';
