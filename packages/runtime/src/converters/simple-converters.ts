import type { Converter } from './converter.js';
import { ConversionError } from './converter.js';

/** `org.apache.kafka.connect.storage.StringConverter`: UTF-8 text. */
export const stringConverter: Converter = {
  fromConnectData: (_topic, data) => (data === null || data === undefined ? null : Buffer.from(textOf(data))),
  toConnectData: (_topic, bytes) => (bytes === null ? null : bytes.toString('utf8')),
};

/** `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes as they are. */
export const byteArrayConverter: Converter = {
  fromConnectData(_topic, data) {
    if (data === null || data === undefined) return null;
    if (Buffer.isBuffer(data)) return data;
    if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    throw new ConversionError(`ByteArrayConverter needs bytes, got ${typeof data}`);
  },
  toConnectData: (_topic, bytes) => bytes,
};

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return typeof data === 'object' ? JSON.stringify(data) : String(data);
}
