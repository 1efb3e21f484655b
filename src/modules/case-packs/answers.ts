/**
 * An agency's submitted answers as the anonymised pack shows them: question → answer, in the form's own order
 * (its display), with identifiers left out and free text redacted. Pure.
 *
 * Which fields identify someone: the agency-forms catalogue has no marker for it (the national forms ask no
 * identifying question by design: relationships only, never names), but an administrator's local template may. A
 * field is therefore classified here, by its id and its label: a field about an NHS number, a name (given, family,
 * first, last, surname, forename, maiden, full), a date of birth, an address or postcode, a telephone number or an
 * e-mail address (or whose schema has `format: email`) is **left out entirely**, whatever its answer. Every other
 * answer is shown: a choice by its label, a number with its unit, and anything else written by a person (free
 * text, dates, times, codes the template does not label) through the case's redactor. Answers the display does not
 * list are never shown; follow-up questions that did not apply are left out.
 */

export interface FieldDisplayLike {
  pointer: string;
  label: string;
  options?: { value: string | number; label: string }[];
  unit?: string;
  when?: unknown;
  columns?: FieldDisplayLike[];
}

export interface FormForPack {
  schema: Record<string, unknown>;
  display: { sections: { id: string; title: string; fields: FieldDisplayLike[] }[] };
  answers: Record<string, unknown>;
}

interface PackSection {
  title: string;
  answers: { question: string; answer: string }[];
}

const IDENTIFYING =
  /\b(nhs ?(no|num|number)|names?|given ?names?|family ?names?|first ?names?|last ?names?|surnames?|fore ?names?|maiden ?names?|full ?names?|date ?of ?birth|dob|birth ?date|addresse?s?|postcodes?|post ?codes?|zip ?codes?|phones?|telephones?|tel|mobiles?|mobile ?numbers?|e ?mails?|email ?address(es)?)\b/i;

/** "childNhsNumber" → "child nhs number". */
const wordsOfId = (id: string) =>
  id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

/**
 * Whether a field asks who someone is or how to reach them (see above): its answer never reaches a pack. A question
 * answered only by a choice (yes / no, a list, a number) cannot carry an identifier, whatever it is about ("Was a
 * driver using a mobile phone?"); a field whose schema is not known is judged as free text.
 */
export function isIdentifyingField(
  field: { pointer: string; label: string },
  valueSchema?: unknown,
  root?: Record<string, unknown>,
): boolean {
  if (hasEmailFormat(valueSchema)) return true;
  if (valueSchema !== undefined && !takesFreeValue(valueSchema, root)) return false;
  const id = field.pointer.split('/').pop() ?? '';
  return IDENTIFYING.test(wordsOfId(decodePointerToken(id))) || IDENTIFYING.test(field.label.replace(/[’']s\b/g, ''));
}

/** Whether an answer of this schema can be something a person wrote (a string or number outside a list of codes, a record). */
function takesFreeValue(s: unknown, root: Record<string, unknown> | undefined, depth = 0): boolean {
  if (!s || typeof s !== 'object' || depth > 8) return true;
  const o = s as Record<string, unknown>;
  if (typeof o.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(o.$ref);
    const target = m && root?.$defs && typeof root.$defs === 'object' ? (root.$defs as Record<string, unknown>)[m[1]!] : undefined;
    return target === undefined ? true : takesFreeValue(target, root, depth + 1);
  }
  if ('enum' in o || 'const' in o) return false;
  for (const k of ['oneOf', 'anyOf']) {
    if (Array.isArray(o[k])) return (o[k] as unknown[]).some((b) => takesFreeValue(b, root, depth + 1));
  }
  if (o.type === 'array') return takesFreeValue(o.items, root, depth + 1);
  if (o.type === 'boolean') return false;
  return true;
}

function hasEmailFormat(s: unknown): boolean {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  if (o.format === 'email' || o.format === 'idn-email') return true;
  return ['oneOf', 'anyOf', 'allOf'].some((k) => Array.isArray(o[k]) && (o[k] as unknown[]).some(hasEmailFormat));
}

const decodePointerToken = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const token of pointer.split('/').slice(1).map(decodePointerToken)) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}

/** The schema of the answer at `pointer` (following properties only). */
function schemaAt(schema: Record<string, unknown>, pointer: string): unknown {
  let cur: unknown = schema;
  for (const token of pointer.split('/').slice(1).map(decodePointerToken)) {
    const props = cur && typeof cur === 'object' ? (cur as Record<string, unknown>).properties : undefined;
    if (!props || typeof props !== 'object') return undefined;
    cur = (props as Record<string, unknown>)[token];
  }
  return cur;
}

function enumOf(s: unknown): unknown[] {
  if (!s || typeof s !== 'object') return [];
  const o = s as Record<string, unknown>;
  const own: unknown[] = Array.isArray(o.enum) ? (o.enum as unknown[]) : 'const' in o ? [o.const] : [];
  const nested = ['oneOf', 'anyOf'].flatMap((k) => (Array.isArray(o[k]) ? (o[k] as unknown[]).flatMap(enumOf) : []));
  const items = o.items ? enumOf(o.items) : [];
  return [...own, ...nested, ...items];
}

const humanise = (code: string) => {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function scalar(v: unknown, field: FieldDisplayLike, enumValues: unknown[], redact: (s: string) => string): string {
  if (typeof v === 'number') return field.unit ? `${v} ${field.unit}` : String(v);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v !== 'string') return '';
  const option = field.options?.find((o) => o.value === v);
  if (option) return option.label;
  if (v === 'not_known') return 'Not known';
  if (v === 'not_applicable') return 'Not applicable';
  if (v === 'yes' || v === 'no') return humanise(v);
  // A code the template defines (an enum value) is the template's word, not a person's.
  if (enumValues.includes(v) && /^[a-z0-9_]+$/.test(v)) return humanise(v);
  return redact(v);
}

function render(
  v: unknown,
  field: FieldDisplayLike,
  valueSchema: unknown,
  redact: (s: string) => string,
  root: Record<string, unknown>,
): string {
  const enumValues = enumOf(valueSchema);
  if (Array.isArray(v)) {
    if (field.columns && v.some((r) => r && typeof r === 'object')) {
      return v
        .map((record, i) => {
          const cells = (field.columns ?? [])
            .map((col) => {
              const colSchema = schemaAt(itemSchemaOf(valueSchema), col.pointer);
              if (isIdentifyingField(col, colSchema, root)) return undefined;
              const answer = render(valueAt(record, col.pointer), col, colSchema, redact, root);
              return answer ? `${col.label}: ${answer}` : undefined;
            })
            .filter((c): c is string => c !== undefined);
          return `${i + 1}. ${cells.join('; ')}`;
        })
        .join('\n');
    }
    return v
      .map((x) => scalar(x, field, enumValues, redact))
      .filter(Boolean)
      .join('; ');
  }
  return scalar(v, field, enumValues, redact);
}

function itemSchemaOf(s: unknown): Record<string, unknown> {
  if (!s || typeof s !== 'object') return {};
  const o = s as Record<string, unknown>;
  if (o.items && typeof o.items === 'object') return o.items as Record<string, unknown>;
  for (const k of ['oneOf', 'anyOf']) {
    if (Array.isArray(o[k])) {
      const found = (o[k] as unknown[]).map(itemSchemaOf).find((x) => Object.keys(x).length);
      if (found) return found;
    }
  }
  return {};
}

/** The form's sections as the pack shows them. */
export function packSections(form: FormForPack, redact: (s: string) => string): PackSection[] {
  return form.display.sections.map((section) => ({
    title: section.title,
    answers: section.fields.flatMap((field) => {
      const valueSchema = schemaAt(form.schema, field.pointer);
      if (isIdentifyingField(field, valueSchema, form.schema)) return [];
      const value = valueAt(form.answers, field.pointer);
      if (value === undefined || (field.when && value === 'not_applicable')) return [];
      const answer = render(value, field, valueSchema, redact, form.schema);
      return answer ? [{ question: field.label, answer }] : [];
    }),
  }));
}
