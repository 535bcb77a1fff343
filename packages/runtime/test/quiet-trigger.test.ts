import { QuietTrigger } from '@sluice/runtime';

// The leader's rebalance after a membership change runs once the workers' records stop arriving.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('QuietTrigger', () => {
  it('runs once for a burst, after the requests paused for the quiet period', async () => {
    let runs = 0;
    const trigger = new QuietTrigger(() => (runs += 1), 150, 5_000);
    for (let i = 0; i < 4; i++) {
      trigger.request();
      await sleep(50);
    }
    expect(runs).toBe(0); // still within 150 ms of the last request
    await sleep(200);
    expect(runs).toBe(1);
  });

  it('runs by the longest delay even while requests keep coming', async () => {
    let runs = 0;
    const trigger = new QuietTrigger(() => (runs += 1), 150, 300);
    const started = Date.now();
    while (runs === 0 && Date.now() - started < 2_000) {
      trigger.request();
      await sleep(50);
    }
    expect(runs).toBe(1);
    expect(Date.now() - started).toBeLessThan(600);
    trigger.cancel();
  });

  it('runs nothing once cancelled', async () => {
    let runs = 0;
    const trigger = new QuietTrigger(() => (runs += 1), 50, 1_000);
    trigger.request();
    trigger.cancel();
    await sleep(120);
    expect(runs).toBe(0);
  });
});
