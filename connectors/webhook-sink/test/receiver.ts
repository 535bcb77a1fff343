import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRecord } from '../src/index.js';

/** How the receiver answers: normally, with an HTTP status, or by dropping the connection. */
export type Mode = 'ok' | number | 'reset' | 'silent';

/** One request as the receiver saw it. */
export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly records: readonly WebhookRecord[];
  readonly status: number | 'reset' | 'silent';
}

/**
 * A real local HTTP server standing in for a webhook endpoint. It stores the records of every
 * batch it accepts, refuses (400) a batch holding a record `refuses` matches, and can be told to
 * answer every request with a status, drop connections, or never answer.
 */
export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Records of accepted batches, in arrival order, repeats included. */
  accepted(): WebhookRecord[];
  /** How every request is answered from now on. */
  mode: Mode;
  /** Records whose batches are refused with 400. */
  refuses: (record: WebhookRecord) => boolean;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const accepted: WebhookRecord[] = [];
  const receiver: Pick<Receiver, 'mode' | 'refuses'> = { mode: 'ok', refuses: () => false };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const records = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]') as WebhookRecord[];
      const mode = receiver.mode;
      const answer = (status: number, body: string) => {
        requests.push({ headers: request.headers, records, status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      };
      if (mode === 'reset' || mode === 'silent') {
        requests.push({ headers: request.headers, records, status: mode });
        if (mode === 'reset') request.socket.destroy();
        return; // silent: never answers (the client's timeout ends it)
      }
      if (mode !== 'ok') return answer(mode, `receiver is answering ${mode}`);
      const refused = records.find((record) => receiver.refuses(record));
      if (refused) return answer(400, `record at offset ${refused.offset} is refused`);
      accepted.push(...records);
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/records`,
    requests,
    accepted: () => [...accepted],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
