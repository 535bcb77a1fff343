import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, RetriableError, isConfigError, isRetriableError, isTombstone } from '@sluice/sdk';

type ErrorsModule = { RetriableError: typeof RetriableError; ConfigError: typeof ConfigError };

/** A second copy of the built SDK's errors module, as a connector with its own SDK install has. */
function secondCopy(): ErrorsModule {
  const built = path.resolve(__dirname, '..', 'dist', 'errors.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npx tsc -b\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-copy-'));
  fs.copyFileSync(built, path.join(dir, 'errors.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, 'errors.js')) as ErrorsModule;
}

describe('errors', () => {
  it('a RetriableError keeps its cause and is told apart from other errors', () => {
    const cause = new Error('socket hang up');
    const error = new RetriableError('bulk request failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RetriableError');
    expect(error.cause).toBe(cause);
    expect(isRetriableError(error)).toBe(true);
    expect(isRetriableError(new Error('x'))).toBe(false);
    expect(isRetriableError(new ConfigError('a', 'b'))).toBe(false);
    expect(isRetriableError(undefined)).toBe(false);
  });

  it('a ConfigError names the field and the reason', () => {
    const error = new ConfigError('tasks.max', 'must be at least 1');
    expect(error.message).toBe('tasks.max: must be at least 1');
    expect(error.field).toBe('tasks.max');
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(new RetriableError('x'))).toBe(false);
  });

  it('recognises the errors of another copy of the SDK, by brand and by instanceof', () => {
    const other = secondCopy();
    expect(other.RetriableError).not.toBe(RetriableError);
    const retriable = new other.RetriableError('503 from the target');
    expect(isRetriableError(retriable)).toBe(true);
    expect(retriable instanceof RetriableError).toBe(true);
    expect(new RetriableError('x') instanceof other.RetriableError).toBe(true);
    const config = new other.ConfigError('url', 'must be a URI');
    expect(isConfigError(config)).toBe(true);
    expect(config instanceof ConfigError).toBe(true);
    expect(config instanceof RetriableError).toBe(false);
  });

  it('keeps ordinary instanceof for a subclass', () => {
    class ThrottledError extends RetriableError {}
    const throttled = new ThrottledError('429');
    expect(throttled instanceof RetriableError).toBe(true);
    expect(throttled instanceof ThrottledError).toBe(true);
    expect(new RetriableError('x') instanceof ThrottledError).toBe(false);
  });
});

describe('isTombstone', () => {
  it('is true only for a null value', () => {
    expect(isTombstone({ value: null })).toBe(true);
    expect(isTombstone({ value: {} })).toBe(false);
    expect(isTombstone({ value: '' })).toBe(false);
  });
});
