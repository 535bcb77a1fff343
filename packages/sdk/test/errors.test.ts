import { ConfigError, RetriableError, isTombstone } from '@sluice/sdk';

describe('errors', () => {
  it('a RetriableError keeps its cause and is told apart from other errors', () => {
    const cause = new Error('socket hang up');
    const error = new RetriableError('bulk request failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RetriableError');
    expect(error.cause).toBe(cause);
  });

  it('a ConfigError names the field and the reason', () => {
    const error = new ConfigError('tasks.max', 'must be at least 1');
    expect(error.message).toBe('tasks.max: must be at least 1');
    expect(error.field).toBe('tasks.max');
  });
});

describe('isTombstone', () => {
  it('is true only for a null value', () => {
    expect(isTombstone({ value: null })).toBe(true);
    expect(isTombstone({ value: {} })).toBe(false);
    expect(isTombstone({ value: '' })).toBe(false);
  });
});
