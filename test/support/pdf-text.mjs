// Prints the text of the PDF read from standard input, page by page, as JSON ({ pages: string[], text }).
// pdf-parse 2 (pdf.js) loads its worker with a dynamic import, which jest's CommonJS runtime refuses; so the tests
// run it in a plain Node process (test/support/pdf.ts).
import { PDFParse } from 'pdf-parse';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
try {
  const result = await parser.getText();
  process.stdout.write(JSON.stringify({ pages: result.pages.map((p) => p.text), text: result.text }));
} finally {
  await parser.destroy();
}
