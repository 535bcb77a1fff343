import type { FastifyInstance } from 'fastify';
import type { Herder } from '@sluice/runtime';

const text = { type: 'string' } as const;
const names = { type: 'array', items: text } as const;

const pluginView = {
  type: 'object',
  required: ['class', 'alias', 'type', 'version'],
  properties: { class: text, alias: text, type: text, version: text, location: text },
} as const;

const brokenView = {
  type: 'object',
  required: ['class', 'reason'],
  properties: { class: text, alias: text, location: text, reason: text },
} as const;

const pluginList = {
  type: 'object',
  required: ['plugins', 'broken'],
  properties: { plugins: { type: 'array', items: pluginView }, broken: { type: 'array', items: brokenView } },
} as const;

const reloadAnswer = {
  type: 'object',
  required: ['added', 'upgraded', 'removed', 'plugins', 'broken'],
  properties: { added: names, upgraded: names, removed: names, ...pluginList.properties },
} as const;

/**
 * Sluice's own plugin resources (Connect has none):
 * - `GET /sluice/plugins`: every connector plugin this worker found, usable ones with their
 *   package version and directory, broken ones with the reason (a broken plugin never hides
 *   the others; `GET /connector-plugins` lists only the usable ones).
 * - `POST /sluice/plugins/reload`: looks at the plugin directories again, without a restart;
 *   answers what was added, upgraded and removed, and the lists as above. An upgraded plugin is
 *   used by a connector from its next restart (`POST /connectors/{name}/restart`).
 */
export function pluginAdminRoutes(app: FastifyInstance, herder: Herder): void {
  app.get(
    '/sluice/plugins',
    { schema: { summary: 'Connector plugins found, usable and broken', response: { 200: pluginList } } },
    async () => pluginLists(herder),
  );
  app.post(
    '/sluice/plugins/reload',
    {
      schema: {
        summary: 'Finds new and upgraded plugins without a restart',
        response: { 200: reloadAnswer },
      },
    },
    async () => ({ ...(await herder.reloadPlugins()), ...pluginLists(herder) }),
  );
}

function pluginLists(herder: Herder) {
  return {
    plugins: herder.plugins().map((entry) => ({
      class: entry.packageName,
      alias: entry.connector.name,
      type: entry.connector.kind,
      version: entry.version ?? entry.connector.version,
      ...(entry.location === undefined ? {} : { location: entry.location }),
    })),
    broken: herder.brokenPlugins().map((plugin) => ({
      class: plugin.packageName,
      ...(plugin.alias === undefined ? {} : { alias: plugin.alias }),
      ...(plugin.location === undefined ? {} : { location: plugin.location }),
      reason: plugin.reason,
    })),
  };
}
