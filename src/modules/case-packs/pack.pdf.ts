import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { CasePack } from './case-packs.types';

/**
 * The pack as a readable PDF (pdfkit): title and reference, the case facts, the timeline, and each agency's forms as
 * question → answer, with "OFFICIAL-SENSITIVE" at the top and bottom of every page (drawn as each page is added, in
 * the margins the text never enters).
 *
 * Fonts: pdfkit's standard fonts cover only WinAnsi, so a name or an answer in another script would come out wrong.
 * DejaVu Sans (the `dejavu-fonts-ttf` package, README "Dependencies") is embedded instead, subset to the characters
 * used: Latin with every accent, Greek, Cyrillic and more. The document is built in memory: a pack is a few pages.
 */

const MARKING = 'OFFICIAL-SENSITIVE';

let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

const AGE_BANDS: Record<CasePack['ageBand'], string> = {
  '0-27_days': '0–27 days',
  '28-364_days': '28–364 days',
  '1-4_years': '1–4 years',
  '5-9_years': '5–9 years',
  '10-14_years': '10–14 years',
  '15-17_years': '15–17 years',
};

const words = (code: string) => code.replace(/_/g, ' ');
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
/** An instant as a London date and time, "2026-10-02 08:12". */
function londonTime(iso: string): string {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

function actorText(a: CasePack['timeline'][number]['actor']): string {
  if (a.kind === 'person')
    return `a person (${[a.role ? words(a.role) : 'role not recorded', a.agencyType ? words(a.agencyType) : null].filter(Boolean).join(', ')})`;
  if (a.kind === 'agency_system') return 'an agency system';
  return 'the system';
}

export function renderPackPdf(pack: CasePack): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    autoFirstPage: false,
    size: 'A4',
    margins: { top: 64, bottom: 64, left: 56, right: 56 },
    info: { Title: `Case pack ${pack.reference ?? ''}`.trim(), Subject: MARKING, Creator: 'CDOP case management' },
  });
  doc.registerFont('body', regular);
  doc.registerFont('bold', bold);

  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.on('pageAdded', () => {
    const { x, y } = doc;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the bottom margin must not start a new page
    doc.font('bold').fontSize(9).fillColor('#b00020');
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    doc.text(MARKING, doc.page.margins.left, 28, { width, align: 'center', lineBreak: false });
    doc.text(MARKING, doc.page.margins.left, doc.page.height - 40, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.font('body').fontSize(10).fillColor('black');
    doc.x = x;
    doc.y = y;
  });
  doc.addPage();

  const heading = (t: string, size = 14) => {
    doc.moveDown(0.6).font('bold').fontSize(size).fillColor('black').text(t);
    doc.moveDown(0.2).font('body').fontSize(10);
  };
  const pair = (label: string, value: string) => {
    doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('body').text(value);
  };

  doc.font('bold').fontSize(18).text('Anonymised case pack');
  doc
    .font('body')
    .fontSize(12)
    .text(`Case reference: ${pack.reference ?? 'not yet assigned (unassigned queue)'}`);
  doc
    .fontSize(9)
    .fillColor('#444')
    .text(
      `Generated ${londonTime(pack.generatedAt)} (London time). Free text redacted by ${pack.redaction.ruleId} version ${pack.redaction.ruleVersion}.`,
    );
  doc.fillColor('black');

  heading('Case facts');
  pair('Status', words(pack.status));
  pair('Age at death', AGE_BANDS[pack.ageBand]);
  pair('Sex', words(pack.sex));
  pair('Expected or unexpected', words(pack.expectedDeath));
  pair('Category of death', pack.category ? `${pack.category.number}: ${pack.category.wording}` : 'not yet recorded');

  heading('Timeline');
  if (pack.timeline.length === 0) doc.text('Nothing recorded.');
  for (const e of pack.timeline) {
    const move = e.fromStatus && e.fromStatus !== e.toStatus ? ` (${words(e.fromStatus)} → ${words(e.toStatus)})` : '';
    doc
      .font('bold')
      .text(`${londonTime(e.occurredAt)}  `, { continued: true })
      .font('body')
      .text(`${words(e.action)}${move}, by ${actorText(e.actor)}`);
    const extra = [
      e.holdReason ? `Hold: ${words(e.holdReason)}` : null,
      e.templateId ? `Form: ${e.templateId}` : null,
      e.reason ? `Reason: ${e.reason}` : null,
      e.note ? `Note: ${e.note}` : null,
    ].filter((s): s is string => s !== null);
    for (const line of extra) doc.text(line, { indent: 16 });
  }

  heading('Agency forms');
  if (pack.agencyForms.length === 0) doc.text('No agency has submitted a form yet.');
  for (const f of pack.agencyForms) {
    heading(`${f.agency.name} (${words(f.agency.type)})`, 12);
    doc
      .fontSize(9)
      .fillColor('#444')
      .text(`${f.template.title}, version ${f.template.version}; revision ${f.revision}, submitted ${londonTime(f.submittedAt)}`);
    doc.fillColor('black').fontSize(10);
    for (const s of f.sections) {
      if (s.answers.length === 0) continue;
      doc.moveDown(0.4).font('bold').fontSize(11).text(s.title);
      for (const a of s.answers) {
        doc.moveDown(0.15).font('bold').fontSize(9).text(a.question);
        doc.font('body').fontSize(10).text(a.answer, { indent: 12 });
      }
    }
  }

  doc.end();
  return done;
}
