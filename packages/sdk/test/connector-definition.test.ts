import { ConnectorDefinitionError, Type, configTable, defineSink, taskConfigsOf, updateReadmeTable } from '@sluice/sdk';
import type { SinkTask } from '@sluice/sdk';

const task: SinkTask = { put: async () => {}, flush: async () => {}, close: async () => {} };
const base = {
  name: 'TestSink',
  version: '1.0.0',
  description: 'A sink for tests.',
  config: Type.Object({ file: Type.String({ description: 'Target file.' }) }),
  createTask: async () => task,
};

describe('defineSink', () => {
  it('returns a connector with its kind and validator', () => {
    const connector = defineSink(base);
    expect(connector.kind).toBe('sink');
    expect(connector.validator.parse({ file: '/tmp/x' })).toEqual({ file: '/tmp/x' });
  });

  it('fails at definition time without a name', () => {
    expect(() => defineSink({ ...base, name: '' })).toThrow(ConnectorDefinitionError);
    expect(() => defineSink({ ...base, name: '' })).toThrow('connector (unnamed connector): name: must be a word');
  });

  it('fails at definition time on a schema that is not valid JSON Schema', () => {
    const config = Type.Object({ file: Type.String({ minLength: 'three' as unknown as number }) });
    expect(() => defineSink({ ...base, config })).toThrow(
      /connector TestSink: config: is not a valid JSON Schema: .*minLength/,
    );
  });

  it('fails at definition time on duplicate and framework-owned fields', () => {
    const twins = Type.Object({ 'batch.size': Type.Integer(), batch_size: Type.Integer() });
    expect(() => defineSink({ ...base, config: twins })).toThrow('config: "batch_size" duplicates "batch.size"');
    const owned = Type.Object({ topics: Type.String() });
    expect(() => defineSink({ ...base, config: owned })).toThrow(
      'config: "topics" is a framework key the runtime owns',
    );
  });

  it('keeps taskConfigs within tasks.max', () => {
    const split = defineSink({ ...base, taskConfigs: (config, max) => Array.from({ length: max + 1 }, () => config) });
    expect(() => taskConfigsOf(split, { file: 'f' }, 2)).toThrow('taskConfigs returned 3 configs for tasks.max=2');
    expect(taskConfigsOf(defineSink(base), { file: 'f' }, 3)).toEqual([{ file: 'f' }, { file: 'f' }, { file: 'f' }]);
  });
});

describe('config docs', () => {
  it('renders the schema as a table and replaces the README table between markers', () => {
    const table = configTable(base.config);
    expect(table).toContain('| `file` | STRING |  | yes | Target file. |');
    const readme = 'intro\n<!-- sluice:config-table -->\nold\n<!-- /sluice:config-table -->\nend\n';
    expect(updateReadmeTable(readme, base.config)).toBe(
      `intro\n<!-- sluice:config-table -->\n\n${table}\n\n<!-- /sluice:config-table -->\nend\n`,
    );
    expect(() => updateReadmeTable('no markers', base.config)).toThrow('README has no config table markers');
  });
});
