import { SERVICE_ENV, exportAddresses, requireService, startServiceEnvironment } from '@sluice/testkit';

describe('service environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('uses addresses from the environment first and starts nothing', async () => {
    process.env.KAFKA_BOOTSTRAP_SERVERS = 'broker-a:9092';
    process.env.OPENSEARCH_URL = 'http://search:9200';
    process.env.MONGODB_URI = 'mongodb://db:27017/?replicaSet=rs0';
    const environment = await startServiceEnvironment({ repoRoot: '/nonexistent', prefer: 'local' });
    expect(environment.addresses).toEqual({
      kafka: 'broker-a:9092',
      opensearch: 'http://search:9200',
      mongodb: 'mongodb://db:27017/?replicaSet=rs0',
    });
    expect(environment.sources).toEqual({ kafka: 'env', opensearch: 'env', mongodb: 'env' });
    await environment.stop();
  });

  it('fails, naming the missing local-process script, instead of faking a service', async () => {
    delete process.env.MONGODB_URI;
    await expect(
      startServiceEnvironment({ repoRoot: '/nonexistent', names: ['mongodb'], prefer: 'local' }),
    ).rejects.toThrow(/services up mongodb failed/);
  });

  it('exports addresses for test workers and requires them by name', async () => {
    const env: NodeJS.ProcessEnv = {};
    exportAddresses(
      {
        addresses: { kafka: 'k:1', opensearch: '', mongodb: 'm' },
        sources: { kafka: 'env', opensearch: 'env', mongodb: 'env' },
        stop: async () => {},
      },
      env,
    );
    expect(env).toEqual({ [SERVICE_ENV.kafka]: 'k:1', [SERVICE_ENV.mongodb]: 'm' });
    expect(requireService('kafka', env)).toBe('k:1');
    expect(() => requireService('opensearch', env)).toThrow(
      'OPENSEARCH_URL is not set: this test needs a real opensearch',
    );
  });
});
