import net from 'node:net';

interface Pending {
  readonly correlationId: number;
  readonly resolve: (body: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One plaintext TCP connection to one broker, for requests the direct fetch path sends itself.
 * Kafka answers the requests of one connection in the order they were sent, so answers are
 * matched to a FIFO of pending requests and checked by correlation id.
 *
 * Invariant: every request settles exactly once: with its answer's body (after the correlation
 * id), or with an error when the connection fails, times out or is closed. A failed connection
 * stays failed (`broken`); the owner opens a new one.
 */
export class BrokerConnection {
  private readonly socket: net.Socket;
  private readonly pending: Pending[] = [];
  private chunks: Buffer[] = [];
  private held = 0;
  private frameLength = -1;
  private nextCorrelationId = 1;
  private failure: Error | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.received(chunk));
    this.socket.on('error', (error) => this.fail(new Error(`broker ${host}:${port}: ${error.message}`)));
    this.socket.on('close', () => this.fail(new Error(`broker ${host}:${port}: connection closed`)));
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Sends one request (header v1) and resolves with its answer's body. */
  request(apiKey: number, version: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId++;
    const clientIdLength = Buffer.byteLength(this.clientId);
    const header = Buffer.allocUnsafe(14 + clientIdLength);
    header.writeInt32BE(10 + clientIdLength + body.length, 0);
    header.writeInt16BE(apiKey, 4);
    header.writeInt16BE(version, 6);
    header.writeInt32BE(correlationId, 8);
    header.writeInt16BE(clientIdLength, 12);
    header.write(this.clientId, 14);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`broker ${this.host}:${this.port}: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.pending.push({ correlationId, resolve, reject, timer });
      this.socket.cork();
      this.socket.write(header);
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  close(): void {
    this.fail(new Error(`broker ${this.host}:${this.port}: connection closed by the consumer`));
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.held += chunk.length;
    for (;;) {
      if (this.frameLength < 0) {
        if (this.held < 4) return;
        this.frameLength = this.joined().readInt32BE(0) + 4;
      }
      if (this.held < this.frameLength) return;
      const all = this.joined();
      const frame = all.subarray(4, this.frameLength);
      const rest = all.subarray(this.frameLength);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.held = rest.length;
      this.frameLength = -1;
      this.answered(frame);
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.held)];
    return this.chunks[0] as Buffer;
  }

  private answered(frame: Buffer): void {
    const request = this.pending.shift();
    if (!request) return this.fail(new Error(`broker ${this.host}:${this.port}: answer to no request`));
    clearTimeout(request.timer);
    if (frame.length < 4 || frame.readInt32BE(0) !== request.correlationId) {
      request.reject(new Error(`broker ${this.host}:${this.port}: answers out of order`));
      return this.fail(new Error(`broker ${this.host}:${this.port}: answers out of order`));
    }
    request.resolve(frame.subarray(4));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.socket.destroy();
    for (const request of this.pending.splice(0)) {
      clearTimeout(request.timer);
      request.reject(this.failure);
    }
  }
}
