import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface RawBody {
  bytes: Buffer;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
}

/**
 * Reads a body that no parser touched (a file sent as it is), counting as it
 * goes. Past `maxBytes` it stops keeping what arrives at once, lets the rest
 * drain unread (so the client, still sending, can read the refusal) and
 * rejects with `tooLarge()`: an oversized body is never held whole. The
 * SHA-256 is computed on the way. A body cut off before its end rejects.
 *
 * With `declaredLength` (the Content-Length, which Node's parser holds the
 * body to) the bytes are copied into one buffer of that size as they arrive,
 * so the file is in memory once; without it, the chunks are joined at the end.
 */
export function readRawBody(source: Readable, maxBytes: number, tooLarge: () => Error, declaredLength?: number): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const whole = declaredLength !== undefined && declaredLength <= maxBytes ? Buffer.allocUnsafe(declaredLength) : undefined;
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let size = 0;
    const stop = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      const over = size + chunk.length > maxBytes;
      if (over || (whole && size + chunk.length > whole.length)) {
        stop();
        chunks.length = 0;
        source.resume();
        reject(over ? tooLarge() : new Error('the body is longer than its Content-Length'));
        return;
      }
      hash.update(chunk);
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      stop();
      const bytes = whole ? whole.subarray(0, size) : Buffer.concat(chunks, size);
      resolve({ bytes, sha256: hash.digest('hex') });
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const onClose = () => {
      stop();
      reject(new Error('the body ended before it was complete'));
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}
