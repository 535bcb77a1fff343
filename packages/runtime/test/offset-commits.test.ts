import type { Message, TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import { TaskMetrics } from '@sluice/runtime';
import type { KafkaGroupConsumer } from '../src/kafka/consumer';
import { OffsetCommits } from '../src/sink/offset-commits';
import { PendingOffsets } from '../src/sink/pending-offsets';

// The stopping sink's final commit against a group that is rebalancing (without a broker; the
// bounce test in packages/worker runs it against real workers): a commit refused for its
// generation is made again once the consumer rejoined, for what it still holds.
const message = (partition: number, offset: number) => ({ topic: 't', partition, offset }) as Message;
const refused = () =>
  Object.assign(new Error('offset commit failed: Broker: Specified group generation id is not valid'), {
    cause: { code: 22 }, // ILLEGAL_GENERATION
  });
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setUp(answers: (Error | undefined)[], held: number[]) {
  const commits: TopicPartitionOffset[][] = [];
  const consumer = {
    assignment: () => held.map((partition) => ({ topic: 't', partition })),
    commit: async (offsets: TopicPartitionOffset[]) => {
      commits.push(offsets);
      const answer = answers.shift();
      if (answer) throw answer;
    },
  } as unknown as KafkaGroupConsumer;
  const pending = new PendingOffsets();
  pending.record([message(0, 4), message(1, 9)]);
  return { commits, pending, offsetCommits: new OffsetCommits(consumer, pending, new TaskMetrics(), silent) };
}

describe('OffsetCommits', () => {
  it('makes a final commit refused by a rebalance again, and it takes', async () => {
    const { commits, pending, offsetCommits } = setUp([refused(), refused(), undefined], [0, 1]);
    await offsetCommits.commitLast(pending.snapshot(), Date.now() + 5_000);
    expect(commits).toHaveLength(3);
    expect(pending.size).toBe(0);
  });

  it('gives up at the deadline and leaves the offsets pending', async () => {
    const { commits, pending, offsetCommits } = setUp([refused(), refused(), refused(), refused()], [0, 1]);
    await offsetCommits.commitLast(pending.snapshot(), Date.now() + 250);
    expect(commits.length).toBeGreaterThanOrEqual(2);
    expect(commits.length).toBeLessThanOrEqual(4);
    expect(pending.size).toBe(2);
  });

  it('does not retry another failure', async () => {
    const { commits, offsetCommits, pending } = setUp([new Error('offset commit failed: timed out')], [0, 1]);
    await offsetCommits.commitLast(pending.snapshot(), Date.now() + 5_000);
    expect(commits).toHaveLength(1);
  });

  it('commits only partitions still held; a revoked one commits as it leaves, a lost one never', async () => {
    const held = [0, 1];
    const { commits, pending, offsetCommits } = setUp([refused()], held);
    const covered = pending.snapshot();
    const last = offsetCommits.commitLast(covered, Date.now() + 5_000);
    held.splice(1, 1); // the rejoin revoked partition 1
    await last;
    expect(commits[1]).toEqual([{ topic: 't', partition: 0, offset: 5 }]);
    await offsetCommits.leaving([{ topic: 't', partition: 1 }], false);
    expect(commits[2]).toEqual([{ topic: 't', partition: 1, offset: 10 }]);
    expect(pending.size).toBe(0);

    const lostCase = setUp([], [0]);
    await lostCase.offsetCommits.leaving([{ topic: 't', partition: 1 }], true);
    expect(lostCase.commits).toEqual([]);
    expect(lostCase.pending.snapshot()).toEqual([{ topic: 't', partition: 0, offset: 5 }]);
  });
});
