import { ConfigValidator, REDACTED, Secret, Type, redact } from '@sluice/sdk';

const schema = Type.Object({
  url: Type.String({ description: 'Where to connect.' }),
  'batch.size': Type.Integer({ description: 'Records per request.', default: 500, minimum: 1, maximum: 10_000 }),
  'dry.run': Type.Boolean({ description: 'Write nothing.', default: false }),
  'behavior.on.null.values': Type.Union([Type.Literal('ignore'), Type.Literal('delete'), Type.Literal('fail')], {
    description: 'What a tombstone does.',
    default: 'ignore',
  }),
  mode: Type.String({ enum: ['insert', 'upsert'], default: 'insert', description: 'Write method.' }),
  'index.names': Type.Array(Type.String(), { description: 'Indices.', default: [] }),
  password: Type.Optional(Secret({ description: 'Password.' })),
});

describe('ConfigValidator', () => {
  const validator = new ConfigValidator(schema);

  it('coerces Connect string maps, splits lists and applies defaults', () => {
    const raw = { url: 'http://x', 'batch.size': '250', 'dry.run': 'true', 'index.names': 'a, b,c' };
    expect(validator.parse(raw)).toEqual({
      url: 'http://x',
      'batch.size': 250,
      'dry.run': true,
      'behavior.on.null.values': 'ignore',
      mode: 'insert',
      'index.names': ['a', 'b', 'c'],
    });
    expect(raw['batch.size']).toBe('250'); // the caller's object is not changed
  });

  it('reports each bad field by name and reason, in Connect wording', () => {
    const result = validator.validate({ 'batch.size': 'many', mode: 'merge', 'bach.size': '1' });
    const errors = Object.fromEntries(result.fields.filter((f) => f.errors.length > 0).map((f) => [f.name, f.errors]));
    expect(errors).toEqual({
      url: ['Missing required configuration "url" which has no default value.'],
      'batch.size': ['Invalid value many for configuration batch.size: must be integer'],
      mode: ['Invalid value merge for configuration mode: must be equal to one of the allowed values (insert, upsert)'],
      'bach.size': ['Unknown configuration "bach.size"; did you mean "batch.size"?'],
    });
    expect(result.errorCount).toBe(4);
  });

  it('rejects values outside their range', () => {
    expect(() => validator.parse({ url: 'u', 'batch.size': '0' })).toThrow(
      'batch.size: Invalid value 0 for configuration batch.size: Value must be at least 1',
    );
  });

  it('describes fields as Connect does, with recommended values and hidden secrets', () => {
    const result = validator.validate({ url: 'u', password: 'hunter2' });
    const byName = Object.fromEntries(result.fields.map((field) => [field.name, field]));
    expect(byName.password).toMatchObject({ value: REDACTED, definition: { type: 'PASSWORD', required: false } });
    expect(byName.mode?.recommendedValues).toEqual(['insert', 'upsert']);
    expect(byName['batch.size']?.definition).toMatchObject({ type: 'INT', defaultValue: '500', importance: 'MEDIUM' });
    expect(byName['index.names']?.definition?.type).toBe('LIST');
    expect(byName.url?.definition).toMatchObject({
      type: 'STRING',
      required: true,
      importance: 'HIGH',
      documentation: 'Where to connect.',
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('redacts secrets in a config copy', () => {
    const config = { url: 'u', password: 'hunter2' };
    expect(redact(schema, config)).toEqual({ url: 'u', password: REDACTED });
    expect(config.password).toBe('hunter2');
  });

  it('knows the standard string formats (ajv-formats): uri, email, hostname, date-time, ipv4, uuid', () => {
    const formatted = new ConfigValidator(
      Type.Object({
        'webhook.url': Type.String({ format: 'uri', description: 'Target.' }),
        'alert.email': Type.String({ format: 'email', default: 'ops@example.com', description: 'Who.' }),
        host: Type.String({ format: 'hostname', default: 'localhost', description: 'Host.' }),
        since: Type.String({ format: 'date-time', default: '2024-01-01T00:00:00Z', description: 'From.' }),
        bind: Type.String({ format: 'ipv4', default: '127.0.0.1', description: 'Address.' }),
        id: Type.String({ format: 'uuid', default: '00000000-0000-4000-8000-000000000000', description: 'Id.' }),
      }),
    );
    expect(formatted.parse({ 'webhook.url': 'https://hooks.example.com/a?b=c' })).toMatchObject({
      'webhook.url': 'https://hooks.example.com/a?b=c',
    });
    const result = formatted.validate({
      'webhook.url': 'not a uri',
      'alert.email': 'nobody',
      host: 'bad host!',
      since: 'yesterday',
      bind: '300.1.1.1',
      id: 'x',
    });
    const errors = Object.fromEntries(result.fields.map((f) => [f.name, f.errors]));
    expect(errors).toEqual({
      'webhook.url': ['Invalid value not a uri for configuration webhook.url: must match format "uri"'],
      'alert.email': ['Invalid value nobody for configuration alert.email: must match format "email"'],
      host: ['Invalid value bad host! for configuration host: must match format "hostname"'],
      since: ['Invalid value yesterday for configuration since: must match format "date-time"'],
      bind: ['Invalid value 300.1.1.1 for configuration bind: must match format "ipv4"'],
      id: ['Invalid value x for configuration id: must match format "uuid"'],
    });
  });

  it('still refuses a format nobody defines, naming it', () => {
    expect(() => new ConfigValidator(Type.Object({ u: Type.String({ format: 'url-ish' }) }))).toThrow(
      /not a valid JSON Schema: unknown format "url-ish"/,
    );
  });
});
