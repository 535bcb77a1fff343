import type { Socket } from 'node:net';
import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_NAME_LENGTH } from '@sluice/runtime';

/**
 * Longest path parameter routed (a connector name percent-encoded as up to 4 UTF-8 bytes of 3
 * characters each); longer ones are 414 in Connect's error shape. Fastify's default is 100,
 * which would leave connectors with longer names unaddressable.
 */
export const MAX_PARAM_LENGTH = MAX_NAME_LENGTH * 12;

/** Fastify's own routing errors (bad path encoding, over-long parameter) in Connect's `{error_code, message}` shape. */
export function frameworkErrors(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  const reason =
    status === 414
      ? `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`
      : `the path is not valid percent-encoded UTF-8`;
  void reply
    .code(status)
    .send({ error_code: status, message: `HTTP ${status}: ${reason}: ${request.method} ${request.url}` });
}

/**
 * Errors Node's HTTP parser raises before a request exists (a request line or headers over the
 * 16 KiB limit, a malformed request), answered in Connect's error shape, then the socket closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request line or headers are larger than the 16 KiB the worker accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timed out']
        : [400, `Malformed HTTP request (${error.code ?? error.message})`];
  const body = JSON.stringify({ error_code: status, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
