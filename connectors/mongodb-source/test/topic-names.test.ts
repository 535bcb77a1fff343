import MongoDbSource, { topicNamer } from '@sluice/mongodb-source';
import { mongoUnderTest, startTask } from './support/task-harness';

// Topic names as MongoDB's Kafka source connector names them (topic.prefix, topic.suffix,
// topic.namespace.map); the routing through a real worker and Kafka is in topic-routing.test.ts.
const { uri } = mongoUnderTest();
const namer = (config: Record<string, string>) =>
  topicNamer(MongoDbSource.validator.parse({ 'connection.uri': 'mongodb://unused', ...config }));

describe('topic names', () => {
  it('default to <db>.<collection>, or <db> for a database-wide event, as before', () => {
    const topicOf = namer({});
    expect(topicOf({ db: 'shop', coll: 'products' })).toBe('shop.products');
    expect(topicOf({ db: 'shop' })).toBe('shop');
  });

  it('join topic.prefix and topic.suffix with "."', () => {
    expect(namer({ 'topic.prefix': 'cdc' })({ db: 'shop', coll: 'products' })).toBe('cdc.shop.products');
    expect(namer({ 'topic.suffix': 'v1' })({ db: 'shop', coll: 'products' })).toBe('shop.products.v1');
    expect(namer({ 'topic.prefix': 'cdc', 'topic.suffix': 'v1' })({ db: 'shop' })).toBe('cdc.shop.v1');
  });

  it('map a namespace: db.collection before db before "*", then prefix and suffix', () => {
    const map = { 'shop.products': 'catalogue', shop: 'store', '*': 'everything', 'shop.empty': '' };
    const topicOf = namer({ 'topic.namespace.map': JSON.stringify(map) });
    expect(topicOf({ db: 'shop', coll: 'products' })).toBe('catalogue'); // whole namespace: the topic
    expect(topicOf({ db: 'shop', coll: 'orders' })).toBe('store.orders'); // database: the first part
    expect(topicOf({ db: 'shop' })).toBe('store'); // a database-wide event (dropDatabase)
    expect(topicOf({ db: 'shop', coll: 'empty' })).toBe('store.empty'); // an empty topic is ignored
    expect(topicOf({ db: 'crm', coll: 'users' })).toBe('everything');
    const decorated = namer({ 'topic.namespace.map': JSON.stringify(map), 'topic.prefix': 'p', 'topic.suffix': 's' });
    expect(decorated({ db: 'shop', coll: 'products' })).toBe('p.catalogue.s');
    expect(decorated({ db: 'crm', coll: 'users' })).toBe('p.everything.s');
    expect(namer({ 'topic.namespace.map': '{"shop": "store"}' })({ db: 'crm', coll: 'users' })).toBe('crm.users');
  });
});

describe('a malformed topic setting is a field error naming it', () => {
  const errorsOf = (config: Record<string, string>) =>
    MongoDbSource.validator
      .validate({ 'connection.uri': 'mongodb://unused', ...config })
      .fields.filter((field) => field.errors.length > 0)
      .map((field) => field.name);

  it.each([
    '{"shop.products": "catalogue"',
    '["shop"]',
    '{"shop": 1}',
    '{"shop": "two words"}',
    '{"/shop\\\\..*": "regex"}',
    '{"": "nameless"}',
    'shop=catalogue',
  ])('topic.namespace.map %s', (map) => {
    expect(errorsOf({ 'topic.namespace.map': map })).toEqual(['topic.namespace.map']);
  });

  it('accepts a well-formed map, and rejects prefixes and suffixes a topic name cannot hold', () => {
    expect(errorsOf({ 'topic.namespace.map': ' { "shop" : "store", "*": "all" } ' })).toEqual([]);
    expect(errorsOf({ 'topic.prefix': 'my prefix', 'topic.suffix': 'v1/2' })).toEqual(['topic.prefix', 'topic.suffix']);
  });

  it('fails a task whose map hides a regex pattern in an escape the schema cannot see', async () => {
    await expect(
      startTask({ 'connection.uri': uri, database: 'unused', 'topic.namespace.map': '{"shop\\u002f": "x"}' }),
    ).rejects.toThrow('topic.namespace.map: "shop/" is not a namespace');
  });
});
