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
 */
export function readRawBody(source: Readable, maxBytes: number, tooLarge: () => Error): Promise<RawBody> {
  return new Promise((resolve, reject) => {
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
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        source.resume();
        reject(tooLarge());
        return;
      }
      hash.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve({ bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') });
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
