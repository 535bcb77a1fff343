import { randomUUID } from 'node:crypto';
import { KafkaAdmin, SlotMembership, kafkaClientSettings } from '@sluice/runtime';
import { eventually, requireService } from '@sluice/testkit';

// Cluster membership on the real broker: slots are a group's partitions; a second worker takes
// half, and only after the first released them; a worker that goes away loses its slots to the
// survivor once its session expires.
const settings = () => kafkaClientSettings(requireService('kafka'), 'membership-test');

describe('SlotMembership (real broker)', () => {
  it('splits the slots between two workers and gives a departed worker’s slots to the survivor', async () => {
    const topic = `slots-${randomUUID()}`;
    const groupId = `cluster-${randomUUID()}`;
    const admin = new KafkaAdmin(settings());
    await admin.ensureTopic({ topic, partitions: 8, replicationFactor: 1 });
    const events: string[] = [];
    const member = (workerId: string) =>
      new SlotMembership(settings(), {
        groupId,
        topic,
        workerId,
        sessionTimeoutMs: 6000,
        gained: (slots) => events.push(`${workerId} +${slots.join(',')}`),
        released: async (slots, lost) => {
          events.push(`${workerId} -${slots.join(',')}${lost ? ' lost' : ''}`);
          await new Promise((resolve) => setTimeout(resolve, 300)); // tasks stopping
        },
      });
    const first = member('w1');
    await first.start();
    await eventually(() => first.slots().length === 8, 30_000);
    const second = member('w2');
    await second.start();
    await eventually(() => first.slots().length === 4 && second.slots().length === 4, 30_000);
    expect(new Set([...first.slots(), ...second.slots()]).size).toBe(8);
    // the second got its slots only after the first had released them
    const released = events.findIndex((e) => e.startsWith('w1 -'));
    const gained = events.findIndex((e) => e.startsWith('w2 +'));
    expect(released).toBeGreaterThanOrEqual(0);
    expect(gained).toBeGreaterThan(released);

    const left = Date.now();
    await second.stop();
    await eventually(() => first.slots().length === 8, 30_000);
    // a static member's slots move once its session expires
    expect(Date.now() - left).toBeLessThan(20_000);
    await first.stop();
    await admin.deleteTopic(topic).catch(() => undefined);
    admin.close();
  }, 90_000);
});
