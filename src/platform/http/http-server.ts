import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestListener } from 'node:http';
import type { Logger } from '../logger';
import { problemType } from './problem';

/**
 * The HTTP server for the application. Node's HTTP parser refuses some
 * requests before the application sees them: a request line and headers over
 * the header size limit (16 KB by default: a long query string, a huge
 * cookie), or bytes that are not HTTP. Node's own answer is a bare status line;
 * here it is a problem document like every other error (X-Request-Id,
 * Cache-Control: no-store), so a caller can tell a refusal from a broken proxy.
 */
export function createHttpServer(app: RequestListener, log: Logger): http.Server {
  const server = http.createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, log));
  return server;
}

const REFUSALS: Record<string, { status: number; reason: string; code: string; title: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'REQUEST.HEADERS_TOO_LARGE',
    title: 'Request header fields too large',
    detail: 'The request line and headers are larger than the limit (16 KB): shorten the query string or the headers.',
  },
};

const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  code: 'REQUEST.MALFORMED',
  title: 'Malformed request',
  detail: 'The request is not valid HTTP/1.1.',
};

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  // A connection reset or a timeout has nobody to answer.
  if (err.code === 'ECONNRESET' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
    socket.destroy();
    return;
  }
  const r = (err.code && REFUSALS[err.code]) || MALFORMED;
  const requestId = randomUUID();
  // The parser's code only: the request itself (a URL, headers) may carry personal data.
  log.info({ requestId, status: r.status, parserError: err.code }, 'request refused by the HTTP parser');
  const body = JSON.stringify({
    type: problemType(r.code),
    title: r.title,
    status: r.status,
    code: r.code,
    detail: r.detail,
    requestId,
  });
  socket.end(
    [
      `HTTP/1.1 ${r.status} ${r.reason}`,
      'Content-Type: application/problem+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'Cache-Control: no-store',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
