import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Requests Node's HTTP parser refuses never reach Express, and Node would answer them with an
 * empty body. This answers them with the §1.4 envelope instead: 431 for a request line and headers
 * over Node's limit (16 KiB), 408 for a request that took too long to arrive, 400 otherwise.
 */
export function answerClientErrorsWithEnvelope(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, label, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request header fields too large', 'The request line and headers are limited to 16 KiB']
        : error.code === 'HPE_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request timeout', 'The request did not arrive in time']
          : [400, 'Invalid request', 'The request is not valid HTTP'];
    const body = JSON.stringify({ error: label, message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
