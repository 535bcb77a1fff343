/** Worker-level steps: root, plugins, validation, loggers, errors of the HTTP layer. */
import type { Action } from './steps';
import { get, request, sinkConfig, srcConfig } from './steps';

interface Plugin {
  class?: string;
  type?: string;
  alias?: string;
}

/** The FileStream connectors of a plugin list (Sluice has more connectors installed), by type. */
const fileStreamPlugins = (body: unknown): unknown =>
  Array.isArray(body)
    ? (body as Plugin[])
        .filter((plugin) => /FileStream/.test(`${plugin.class ?? ''} ${plugin.alias ?? ''}`))
        .sort((a, b) => String(a.type).localeCompare(String(b.type)))
    : body;

/**
 * Simple class names by plugin type (`org.apache.kafka.connect.transforms.Cast$Key` → `Cast$Key`),
 * as `{type: {name: true}}`, so that a plugin one side lacks is one difference.
 */
const pluginNamesByType = (body: unknown): unknown => {
  if (!Array.isArray(body)) return body;
  const byType: Record<string, Record<string, boolean>> = {};
  for (const plugin of body as Plugin[]) {
    if (plugin.type === 'source' || plugin.type === 'sink') continue; // compared above
    const name = String(plugin.alias ?? plugin.class).replace(/^.*\./, '');
    (byType[String(plugin.type)] ??= {})[name] = true;
  }
  return byType;
};

/** The names a validation answer lists, keyed, and its counts and groups. */
const configs = { keyBy: { '$.configs': 'value.name' } };

export const workerSteps: Action[] = [
  get('/'),
  get('/health'),
  get('/connectors', { label: 'none yet' }),
  get('/connector-plugins', { view: fileStreamPlugins }),
  get('/connector-plugins?connectorsOnly=false', { view: pluginNamesByType, label: 'names by type' }),
  get('/connector-plugins?connectorsOnly=false', {
    label: 'shape',
    compare: { shapeOnly: ['$'] },
  }),
  get('/connector-plugins/FileStreamSource/config', { compare: { keyBy: { $: 'name' } } }),
  get('/connector-plugins/FileStreamSink/config', { compare: { keyBy: { $: 'name' } } }),
  get('/connector-plugins/NoSuchPlugin/config'),
  request(
    'PUT',
    '/connector-plugins/FileStreamSink/config/validate',
    { 'connector.class': 'FileStreamSink', name: '{P}-v', 'tasks.max': '0', file: '{DIR}/v.txt' },
    { label: 'tasks.max=0, no topics', compare: configs },
  ),
  request(
    'PUT',
    '/connector-plugins/FileStreamSource/config/validate',
    { ...srcConfig, name: '{P}-v' },
    { label: 'valid', compare: configs },
  ),
  request('PUT', '/connector-plugins/FileStreamSource/config/validate', srcConfig, {
    label: 'no name',
    compare: configs,
  }),
  request(
    'PUT',
    '/connector-plugins/FileStreamSink/config/validate',
    { name: '{P}-v', topics: 't', file: '{DIR}/v.txt' },
    { label: 'no connector.class', compare: configs },
  ),
  request(
    'PUT',
    '/connector-plugins/FileStreamSink/config/validate',
    { ...sinkConfig, name: '{P}-v', 'connector.class': 'FileStreamSource' },
    { label: 'class differs from path', compare: configs },
  ),
  request('PUT', '/connector-plugins/NoSuchPlugin/config/validate', { 'connector.class': 'NoSuchPlugin' }),
  request(
    'PUT',
    '/connector-plugins/FileStreamSource/config/validate',
    {
      ...srcConfig,
      name: '{P}-v',
      'producer.override.linger.ms': '5',
      'producer.override.compression.type': 'lz4',
      'admin.override.request.timeout.ms': '20000',
      'consumer.override.fetch.min.bytes': '1',
    },
    { label: 'source client overrides', compare: configs },
  ),
  request(
    'PUT',
    '/connector-plugins/FileStreamSink/config/validate',
    {
      ...sinkConfig,
      name: '{P}-v',
      'consumer.override.max.poll.records': '100',
      'consumer.override.auto.offset.reset': 'earliest',
      'producer.override.linger.ms': '5',
    },
    { label: 'sink client overrides', compare: configs },
  ),
  get('/admin/loggers/root'),
  request('PUT', '/admin/loggers/{P}-logger', { level: 'DEBUG' }),
  get('/admin/loggers/{P}-logger', { compare: { ignoreValues: ['$.last_modified'] } }),
  request('PUT', '/admin/loggers/{P}-logger', { level: 'NOISY' }, { label: 'unknown level' }),
  request('PUT', '/admin/loggers/{P}-logger', {}, { label: 'no level' }),
  request('PUT', '/admin/loggers/{P}-logger?scope=cluster', { level: 'INFO' }),
  get('/admin/loggers/{P}-no-such-logger'),
  request('POST', '/connectors', '{"name": "{P}-json", "config": ', { label: 'malformed JSON' }),
  request('POST', '/connectors', '{"name": "{P}-text"}', { label: 'text/plain', contentType: 'text/plain' }),
  request('POST', '/connectors', { name: '{P}-noconfig' }, { label: 'no config' }),
  request('POST', '/connectors', { config: srcConfig }, { label: 'no name' }),
  get('/no-such-path'),
  request('DELETE', '/connectors', undefined, { label: 'wrong method' }),
];
