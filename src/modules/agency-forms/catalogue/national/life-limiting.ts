import { choice, date, defineTemplate, multi, section, text, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const PLAN = { question: 'advanceCarePlan', in: ['yes'] } as const;
const PREFERRED = { question: 'preferredPlaceRecorded', in: ['yes'] } as const;

/**
 * Life-limiting conditions and palliative care: the condition (by the four
 * Together for Short Lives categories), advance care planning, the preferred and
 * actual place of death, and end-of-life care.
 */
export const LIFE_LIMITING: TemplateDefinition = defineTemplate({
  key: 'life-limiting',
  kind: 'supplementary',
  title: 'Life-limiting condition and palliative care',
  description:
    'A death of a child with a life-limiting or life-threatening condition: the condition, advance care planning, the place of death, and palliative and end-of-life care.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('condition', 'The condition', [
      choice('category', 'Category of condition', [
        ['category_1', '1: life-threatening, curative treatment feasible but can fail (e.g. cancer)'],
        ['category_2', '2: premature death inevitable; long periods of treatment to prolong life (e.g. cystic fibrosis)'],
        ['category_3', '3: progressive, treatment only palliative (e.g. Batten disease)'],
        ['category_4', '4: irreversible, non-progressive, severe disability and health complications (e.g. severe cerebral palsy)'],
      ]),
      text('diagnosis', 'Diagnosis, as recorded', { maxLength: 500 }),
      date('diagnosedOn', 'Date of diagnosis'),
    ]),
    section('planning', 'Planning', [
      yesNo('advanceCarePlan', 'Was there an advance care plan?'),
      date('planLastReviewed', 'Date the plan was last reviewed', { when: PLAN }),
      yesNo('childInvolved', 'Was the child involved in the plan, as far as age and understanding allowed?', { when: PLAN }),
      yesNo('resuscitationDecision', 'Was a resuscitation decision recorded (e.g. DNACPR or ReSPECT)?'),
      yesNo('parallelPlanning', 'Was there parallel planning (for treatment and for the end of life)?'),
      yesNo('preferredPlaceRecorded', 'Was the preferred place of death recorded?'),
      choice(
        'preferredPlace',
        'Preferred place of death',
        [
          ['home', 'Home'],
          ['hospice', 'Hospice'],
          ['hospital', 'Hospital'],
          ['other', 'Other'],
        ],
        { when: PREFERRED },
      ),
      yesNo('diedInPreferredPlace', 'Did the child die in the preferred place?', { when: PREFERRED }),
    ]),
    section('endOfLifeCare', 'Palliative and end-of-life care', [
      yesNo('specialistPalliativeCare', 'Was a specialist paediatric palliative care team involved?'),
      yesNo('hospiceInvolved', 'Was a children’s hospice involved?'),
      yesNo('adviceAroundTheClock', 'Did the family have 24-hour access to advice and support?'),
      choice('symptomControl', 'How well were symptoms controlled at the end of life?', [
        ['well', 'Well controlled'],
        ['partly', 'Partly controlled'],
        ['poorly', 'Poorly controlled'],
      ]),
      multi('difficultSymptoms', 'Symptoms that were hard to control', [
        ['none', 'None'],
        ['pain', 'Pain'],
        ['breathlessness', 'Breathlessness'],
        ['seizures', 'Seizures'],
        ['agitation', 'Agitation or distress'],
        ['secretions', 'Secretions'],
        ['feeding', 'Feeding difficulties'],
        ['other', 'Other'],
      ]),
      yesNo('deliveryDelays', 'Were there delays in equipment, care packages or continuing care funding?'),
      yesNo('transitionToAdultServices', 'Was transition to adult services under way?', {
        notApplicable: true,
        help: "'not_applicable' for a child under 14.",
      }),
      yesNo('siblingSupport', 'Was support offered to siblings?', { notApplicable: true }),
      yesNo('bereavementSupport', 'Was bereavement support offered to the family?'),
      anythingElse(),
    ]),
  ],
});
