import { valueAt } from './json-pointer';
import { NOT_APPLICABLE, NOT_KNOWN, type TemplateDefinition } from './types';

/**
 * How complete a set of answers is: the measure issue 12 asks each case to show
 * for every submission ("share of questions answered other than not known").
 *
 * - `questions`: the questions of the template (each field of its display once; a
 *   list of records, such as a chronology, is one question).
 * - `answered`: questions with a real answer: anything but 'not_known',
 *   'not_applicable' or nothing (absent, null, an empty string or an empty list).
 * - `notKnown`: questions answered 'not_known' (where a form words it its own way,
 *   such as "0: information not available" or "insufficient information", the
 *   stored answer is still 'not_known').
 * - `notApplicable`: questions answered 'not_applicable', including follow-ups of
 *   a question whose answer did not ask them. They are not missing information, so
 *   they leave the denominator.
 * - `unanswered`: the rest (only a draft has any: a submission answers everything).
 * - `share` = answered / (questions − notApplicable), from 0 to 1; 1 when every
 *   question is 'not_applicable' (nothing that applies is missing).
 */
interface Completeness {
  questions: number;
  answered: number;
  notKnown: number;
  notApplicable: number;
  unanswered: number;
  share: number;
}

export function completeness(definition: Pick<TemplateDefinition, 'display'>, answers: unknown): Completeness {
  let questions = 0;
  let answered = 0;
  let notKnown = 0;
  let notApplicable = 0;
  for (const section of definition.display.sections) {
    for (const field of section.fields) {
      questions++;
      const value = valueAt(answers, field.pointer);
      if (value === NOT_KNOWN) notKnown++;
      else if (value === NOT_APPLICABLE) notApplicable++;
      else if (isGiven(value)) answered++;
    }
  }
  const applicable = questions - notApplicable;
  return {
    questions,
    answered,
    notKnown,
    notApplicable,
    unanswered: questions - answered - notKnown - notApplicable,
    share: applicable === 0 ? 1 : answered / applicable,
  };
}

function isGiven(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}
