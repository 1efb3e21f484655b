import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { readRawBody } from '../../src/platform/http/raw-body';

// Reading a body no parser touched (an attachment): the limit is counted as bytes arrive, nothing past it is kept,
// the SHA-256 is computed on the way, and a body cut short is an error.

const tooLarge = () => new Error('too large');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunks = (...sizes: number[]) => sizes.map((n, i) => Buffer.alloc(n, i + 1));

describe('readRawBody', () => {
  it.each([
    ['without a declared length', undefined],
    ['with its declared length', 300],
  ])('when the body is within the limit (%s), then its bytes and SHA-256', async (_what, declared) => {
    const parts = chunks(100, 100, 100);
    const whole = Buffer.concat(parts);
    const body = await readRawBody(Readable.from(parts), 300, tooLarge, declared);
    expect(Buffer.compare(body.bytes, whole)).toBe(0);
    expect(body.sha256).toBe(sha(whole));
  });

  it('when the body passes the limit, then it rejects at that chunk, before the rest is sent, and the rest drains', async () => {
    const source = new PassThrough();
    const read = readRawBody(source, 250, tooLarge);
    source.write(Buffer.alloc(200));
    source.write(Buffer.alloc(100)); // 300 > 250
    await expect(read).rejects.toThrow('too large');
    // Flowing with nobody listening: what still comes is drained unread, not kept.
    expect(source.listenerCount('data')).toBe(0);
    expect(source.readableFlowing).toBe(true);
    const big = Buffer.alloc(1024 * 1024);
    await new Promise<void>((resolve) => (source.write(big) ? resolve() : source.once('drain', resolve)));
    expect(source.readableLength).toBe(0);
    source.end();
  });

  it('when the body stops before its end (the client went away), then it rejects', async () => {
    const source = new PassThrough();
    const read = readRawBody(source, 1000, tooLarge, 500);
    source.write(Buffer.alloc(100));
    source.destroy();
    await expect(read).rejects.toThrow();
  });

  it('when more arrives than the declared length (never from Node’s HTTP parser), then it rejects rather than overflow', async () => {
    await expect(readRawBody(Readable.from(chunks(100, 100)), 1000, tooLarge, 150)).rejects.toThrow('longer than its Content-Length');
  });

  it('when the body is empty, then zero bytes and the SHA-256 of nothing', async () => {
    const body = await readRawBody(Readable.from([]), 10, tooLarge, 0);
    expect(body.bytes.length).toBe(0);
    expect(body.sha256).toBe(sha(Buffer.alloc(0)));
  });
});
