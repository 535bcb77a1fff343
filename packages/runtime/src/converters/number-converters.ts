import type { Converter } from './converter.js';
import { ConversionError } from './converter.js';

/**
 * Kafka Connect's fixed-width converters (`org.apache.kafka.connect.converters.*`): a number or
 * boolean as big-endian bytes (Short 2, Integer 4, Long 8, Float 4, Double 8 bytes; Boolean one
 * byte, 1 or 0), null as null. A Long reads back as a number when it is a safe integer, else as
 * a bigint. Bytes of another length, or data of another kind, are a ConversionError.
 */
interface Width {
  readonly name: string;
  readonly bytes: number;
  write(buffer: Buffer, value: number | bigint): void;
  read(buffer: Buffer): number | bigint | boolean;
}

function numberOf(name: string, data: unknown): number | bigint {
  if (typeof data === 'number' || typeof data === 'bigint') return data;
  if (typeof data === 'string' && data.trim() !== '' && !Number.isNaN(Number(data))) return Number(data);
  throw new ConversionError(`${name} needs a number, got ${typeof data}`);
}

function fixedWidth(width: Width): Converter {
  return {
    fromConnectData(_topic, data) {
      if (data === null || data === undefined) return null;
      const buffer = Buffer.alloc(width.bytes);
      width.write(buffer, numberOf(width.name, data));
      return buffer;
    },
    toConnectData(_topic, bytes) {
      if (bytes === null) return null;
      if (bytes.length !== width.bytes)
        throw new ConversionError(`${width.name} needs ${width.bytes} bytes, got ${bytes.length}`);
      return width.read(bytes);
    },
  };
}

const int = (value: number | bigint) => Number(value);

export const shortConverter = fixedWidth({
  name: 'ShortConverter',
  bytes: 2,
  write: (b, v) => b.writeInt16BE(int(v)),
  read: (b) => b.readInt16BE(),
});
export const integerConverter = fixedWidth({
  name: 'IntegerConverter',
  bytes: 4,
  write: (b, v) => b.writeInt32BE(int(v)),
  read: (b) => b.readInt32BE(),
});
export const longConverter = fixedWidth({
  name: 'LongConverter',
  bytes: 8,
  write: (b, v) => b.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(Math.trunc(v))),
  read: (b) => {
    const value = b.readBigInt64BE();
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  },
});
export const floatConverter = fixedWidth({
  name: 'FloatConverter',
  bytes: 4,
  write: (b, v) => b.writeFloatBE(int(v)),
  read: (b) => b.readFloatBE(),
});
export const doubleConverter = fixedWidth({
  name: 'DoubleConverter',
  bytes: 8,
  write: (b, v) => b.writeDoubleBE(int(v)),
  read: (b) => b.readDoubleBE(),
});

export const booleanConverter: Converter = {
  fromConnectData(_topic, data) {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'boolean') throw new ConversionError(`BooleanConverter needs a boolean, got ${typeof data}`);
    return Buffer.from([data ? 1 : 0]);
  },
  toConnectData(_topic, bytes) {
    if (bytes === null) return null;
    if (bytes.length !== 1) throw new ConversionError(`BooleanConverter needs 1 byte, got ${bytes.length}`);
    return bytes[0] !== 0;
  },
};
