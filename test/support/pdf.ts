import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The text of a PDF, page by page, extracted with pdf-parse 2 in a child Node process (pdf-text.mjs): pdf.js loads
 * its worker with a dynamic import, which jest's CommonJS runtime does not allow.
 */
export function pdfText(pdf: Buffer): Promise<{ pages: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'pdf-text.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pdf-text exited with ${code}: ${Buffer.concat(err).toString()}`));
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as { pages: string[]; text: string });
    });
    child.stdin.end(pdf);
  });
}
