import type { SinkRecord } from '@sluice/sdk';

const UNPARSED: unique symbol = Symbol('unparsed');

/**
 * A sink record whose value is JSON text that `scanJsonText` vouched for (SinkRecord.valueJson):
 * the value is parsed when it is first read, so a sink that sends the text on never parses it.
 *
 * Invariant: `valueJson` is never empty and `JSON.parse(valueJson)` does not throw (the scan's
 * contract), so reading `value` cannot fail; it is parsed at most once.
 */
export class JsonTextRecord implements SinkRecord {
  #value: unknown = UNPARSED;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly key: unknown,
    readonly valueJson: Buffer,
    readonly headers: Readonly<Record<string, Buffer>>,
    readonly timestamp: number,
  ) {}

  get value(): unknown {
    if (this.#value === UNPARSED) this.#value = JSON.parse(this.valueJson.toString('utf8'));
    return this.#value;
  }
}
