// A minimal Kafka wire-protocol health probe (Metadata v4), so the service scripts need no
// client library: healthy means the broker answers and lists at least one live broker.
import net from 'node:net';

const METADATA_API_KEY = 3;
const METADATA_VERSION = 4; // Kafka 4.x removed v0-v3 (KIP-896)

function metadataRequest(correlationId) {
  const clientId = Buffer.from('sluice-services');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let at = body.writeInt16BE(METADATA_API_KEY, 0);
  at = body.writeInt16BE(METADATA_VERSION, at);
  at = body.writeInt32BE(correlationId, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt32BE(-1, at); // null topic array: all topics
  body.writeInt8(0, at); // allow_auto_topic_creation = false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Resolves to the number of brokers the cluster reports; rejects on connection errors. */
export function kafkaBrokerCount(host, port, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${host}:${port}`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(metadataRequest(7)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      // size(4) correlation_id(4) throttle_time_ms(4) brokers.length(4)
      resolve(received.readInt32BE(12));
    });
  });
}
