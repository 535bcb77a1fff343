import { QuietTrigger } from '@sluice/runtime';

// The leader's rebalance after a membership change runs once the workers' records stop arriving.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('QuietTrigger', () => {
  it('runs once for a burst, after the requests paused for the quiet period', async () => {
    let runs = 0;
    // a quiet period well above the requests' spacing, so a late timer on a loaded machine does not
    // end the burst early
    const trigger = new QuietTrigger(() => (runs += 1), 600, 10_000);
    for (let i = 0; i < 4; i++) {
      trigger.request();
      await sleep(50);
    }
    expect(runs).toBe(0); // still within 600 ms of the last request
    await sleep(1500);
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
    expect(Date.now() - started).toBeLessThan(1500); // by the 300 ms delay, not the 2 s loop's end
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
