/**
 * Micro-benchmark: validating a full answer set of the largest national form
 * template (issue 12's target: at most 1 ms per submission at p50).
 *
 *   npx tsx bench/form-validation.ts [--iterations N] [--warmup N]
 *
 * Picks the template with the most questions, builds a complete answer set (every
 * fifth question 'not_known', three records per list), compiles once (timed on its
 * own), warms up, then times each validation separately and prints p50, p99 and
 * max in microseconds. Also times a submission with a dozen answers changed (most now wrong), where
 * Ajv's errors are turned into field errors. The process is pinned to nothing:
 * on a busy machine the tail moves, so read p50 first.
 */
import { parseArgs } from 'node:util';
import {
  completeness,
  createTemplateValidator,
  exampleAnswers,
  NATIONAL_TEMPLATES,
  NOT_APPLICABLE,
} from '../src/modules/agency-forms/catalogue';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '20000' }, warmup: { type: 'string', default: '2000' } },
});
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);

const questionsOf = (t: (typeof NATIONAL_TEMPLATES)[number]) => t.display.sections.reduce((n, s) => n + s.fields.length, 0);
const largest = [...NATIONAL_TEMPLATES].sort((a, b) => questionsOf(b) - questionsOf(a))[0]!;
const id = `${largest.key}@${largest.version}`;
const valid = exampleAnswers(largest, { notKnownEvery: 5, recordsPerList: 3 });

// A dozen wrong answers, wherever the template has questions of the right kind: the error path.
const invalid = structuredClone(valid);
let broken = 0;
for (const s of largest.display.sections) {
  for (const f of s.fields) {
    if (broken >= 12) break;
    const [, sid, qid] = f.pointer.split('/');
    if (f.when) continue;
    invalid[sid!]![qid!] = broken % 3 === 0 ? 'maybe' : broken % 3 === 1 ? NOT_APPLICABLE.toUpperCase() : 12345;
    broken++;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function time(label: string, answers: unknown, expectOk: boolean): void {
  const validator = createTemplateValidator();
  const c0 = process.hrtime.bigint();
  const first = validator.validate(id, largest.schema, answers);
  const compileMs = Number(process.hrtime.bigint() - c0) / 1e6;
  if (first.ok !== expectOk) throw new Error(`${label}: expected ok=${expectOk}, got ${JSON.stringify(first).slice(0, 500)}`);
  for (let i = 0; i < warmup; i++) validator.validate(id, largest.schema, answers);
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    validator.validate(id, largest.schema, answers);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  samples.sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `${label.padEnd(34)} p50 ${fmt(percentile(samples, 50))} µs  p99 ${fmt(percentile(samples, 99))} µs  max ${fmt(samples.at(-1)!)} µs` +
      `  (first call, compiling: ${compileMs.toFixed(1)} ms${first.ok ? '' : `, ${first.errors.length} field errors`})`,
  );
  if (validator.compilations !== 1) throw new Error(`compiled ${validator.compilations} times, expected once`);
}

const c = completeness(largest, valid);
console.log(
  `Template '${id}': ${c.questions} questions in ${largest.display.sections.length} sections, schema ${JSON.stringify(largest.schema).length} bytes; ` +
    `answers ${JSON.stringify(valid).length} bytes (${c.answered} answered, ${c.notKnown} not known, ${c.notApplicable} not applicable).`,
);
console.log(`Node ${process.version}; ${iterations} timed validations after ${warmup} warm-up, each timed on its own.`);
time('valid, full submission', valid, true);
time(`invalid (${broken} answers changed)`, invalid, false);
console.log('Target (issue 12): validation of the largest form ≤ 1 ms (1000 µs) per submission at p50.');
