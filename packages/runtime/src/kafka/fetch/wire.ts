/**
 * The Kafka protocol's primitive types (https://kafka.apache.org/protocol#protocol_types), for
 * the few requests the direct fetch path sends itself. Only non-flexible request versions are
 * written, so there are no tagged fields and strings carry an int16 length.
 */

/** Builds one request body; grows as needed. */
export class WireWriter {
  private buffer = Buffer.allocUnsafe(256);
  private at = 0;

  int8(value: number): this {
    this.room(1);
    this.at = this.buffer.writeInt8(value, this.at);
    return this;
  }

  int16(value: number): this {
    this.room(2);
    this.at = this.buffer.writeInt16BE(value, this.at);
    return this;
  }

  int32(value: number): this {
    this.room(4);
    this.at = this.buffer.writeInt32BE(value, this.at);
    return this;
  }

  /** A safe integer (offsets, timestamps) as int64. */
  int64(value: number): this {
    this.room(8);
    this.at = this.buffer.writeBigInt64BE(BigInt(value), this.at);
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value);
    this.int16(length);
    this.room(length);
    this.at += this.buffer.write(value, this.at);
    return this;
  }

  /** The bytes written so far (a view: do not write on after taking it). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.at);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/**
 * A cursor over a response. Reads past the end throw (RangeError from Buffer), so a truncated
 * or malformed response fails its request instead of yielding garbage.
 */
export class WireReader {
  constructor(
    readonly buffer: Buffer,
    public at = 0,
  ) {}

  int8(): number {
    return this.buffer.readInt8(this.at++);
  }

  int16(): number {
    const value = this.buffer.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** int64 as a number: exact for offsets and timestamps (below 2^53). */
  int64(): number {
    const value = this.buffer.readInt32BE(this.at) * 4_294_967_296 + this.buffer.readUInt32BE(this.at + 4);
    this.at += 8;
    return value;
  }

  string(): string {
    const length = this.int16();
    return this.text(length < 0 ? 0 : length);
  }

  /** `length` bytes as UTF-8. */
  text(length: number): string {
    const end = this.end(length);
    const value = this.buffer.toString('utf8', this.at, end);
    this.at = end;
    return value;
  }

  /** `length` bytes as a view of the response (no copy). */
  view(length: number): Buffer {
    const end = this.end(length);
    const value = this.buffer.subarray(this.at, end);
    this.at = end;
    return value;
  }

  /** A zig-zag varint (int32). */
  varint(): number {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return (value >>> 1) ^ -(value & 1);
  }

  /** A zig-zag varlong, exact while below 2^53. */
  varlong(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.byte();
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80 && scale < 2 ** 70);
    return value % 2 === 1 ? -(value + 1) / 2 : value / 2;
  }

  private byte(): number {
    const byte = this.buffer[this.at++];
    if (byte === undefined) throw new RangeError('response ends inside a varint');
    return byte;
  }

  private end(length: number): number {
    const end = this.at + length;
    if (end > this.buffer.length) throw new RangeError('response ends inside a field');
    return end;
  }
}
