import type { LibrdKafkaError, Producer } from '@confluentinc/kafka-javascript';
import type { KafkaClientSettings } from '../kafka/client-config.js';
import { connectClient, disconnectClient } from '../kafka/connect.js';
import { kafkaLibrary } from '../kafka/library.js';
import type { OutgoingMessage } from '../kafka/producer.js';

const TIMEOUT_MS = 30_000;

/** The leader lost its transactional id to a newer leader: it must stop acting as one. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
}

/**
 * Writes batches of messages in transactions under one fixed `transactional.id`: whoever calls
 * `start()` last fences every earlier holder of the id (initTransactions, as Connect's leader
 * does since KIP-618), whose later writes fail with FencedError; readers with
 * `isolation.level=read_committed` never see a fenced or aborted write. Writes run one at a time.
 */
export class TransactionalWriter {
  private readonly producer: Producer;
  private queue: Promise<unknown> = Promise.resolve();
  private fenced = false;

  constructor(settings: KafkaClientSettings, transactionalId: string) {
    this.producer = new (kafkaLibrary().Producer)({
      ...settings,
      'transactional.id': transactionalId,
      'enable.idempotence': true,
      acks: -1,
      'linger.ms': 0,
    });
  }

  async start(): Promise<void> {
    await connectClient(this.producer, 'leader transactions');
    await this.call((done) => this.producer.initTransactions(TIMEOUT_MS, done), 'taking the leader transactional id');
  }

  /** Writes every message or none; rejects with FencedError once a newer leader holds the id. */
  write(messages: readonly OutgoingMessage[]): Promise<void> {
    const result = this.queue.then(() => this.transaction(messages));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async stop(): Promise<void> {
    await this.queue;
    await disconnectClient(this.producer);
  }

  private async transaction(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.fenced) throw new FencedError('this worker was fenced: a newer leader holds the transactional id');
    await this.call((done) => this.producer.beginTransaction(done), 'beginning a transaction');
    try {
      for (const m of messages) {
        this.producer.produce(m.topic, m.partition ?? null, m.value, m.key, m.timestamp ?? null, undefined, m.headers);
      }
      await this.call((done) => this.producer.commitTransaction(TIMEOUT_MS, done), 'committing a transaction');
    } catch (error) {
      if (!this.fenced)
        await this.call((done) => this.producer.abortTransaction(TIMEOUT_MS, done), 'aborting').catch(() => undefined);
      throw error;
    }
  }

  private call(run: (done: (error: LibrdKafkaError | null) => void) => void, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      run((error) => {
        if (!error) return resolve();
        const codes = kafkaLibrary().CODES.ERRORS;
        if ([codes.ERR__FENCED, codes.ERR_PRODUCER_FENCED, codes.ERR_INVALID_PRODUCER_EPOCH].includes(error.code)) {
          this.fenced = true;
          reject(new FencedError(`${what}: fenced by a newer leader (${error.message})`, { cause: error }));
        } else {
          reject(new Error(`${what} failed: ${error.message}`, { cause: error }));
        }
      });
    });
  }
}
