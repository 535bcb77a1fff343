import { backoffDelay } from '@sluice/runtime';

// Unit test (no broker): the backoff of task calls retried without limit and of errors.retry.timeout.
describe('backoffDelay', () => {
  it('starts near 100 ms, doubles, and never passes its cap', () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(1, 10_000)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(1, 10_000)).toBeLessThanOrEqual(100);
      expect(backoffDelay(4, 10_000)).toBeGreaterThanOrEqual(400);
      expect(backoffDelay(1000, 10_000)).toBeGreaterThanOrEqual(5_000);
      expect(backoffDelay(1000, 10_000)).toBeLessThanOrEqual(10_000);
    }
  });
});
