import { choice, date, defineTemplate, narrative, records, section, text, yesNo, type Section } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { NATIONAL_EFFECTIVE_FROM } from './shared';

/**
 * The panel's analysis form. The ten categories of death are the national ones,
 * hierarchical (docs/domain.md). The domains in which the panel looks for factors,
 * and the scale it rates their relevance on, are data: the form has changed
 * them before, and reviews recorded on the legacy Form C must stay readable.
 *
 * - Since 2018 (ANALYSIS_2018): four domains, the child; the social environment
 *   including family and parenting capacity; the physical environment; service
 *   provision; each rated 0 information not available, 1 no factors or factors
 *   unlikely to have contributed, 2 factors that may have contributed (the scale's
 *   wording should be checked against the current national form: it is data here).
 * - Legacy Form C (LEGACY_FORM_C): the child; family and environment; parenting
 *   capacity; service provision; rated 0, 1, 1*, 2, 3.
 *
 * "Information not available" is stored as 'not_known', with the form's own label,
 * so completeness treats it as the unknown it is.
 */
interface AnalysisDomain {
  /** The section id of the domain in the answers, e.g. 'childFactors'. */
  id: string;
  title: string;
  help: string;
}

interface RelevanceScale {
  /** The form's wording of its "0 – information not available" point, stored as 'not_known'. */
  informationNotAvailable: string;
  points: readonly (readonly [string, string])[];
}

interface AnalysisVariant {
  domains: readonly AnalysisDomain[];
  relevance: RelevanceScale;
}

export const ANALYSIS_2018: AnalysisVariant = {
  domains: [
    {
      id: 'childFactors',
      title: 'Factors intrinsic to the child',
      help: 'The child’s health, development, disability, behaviour and any condition present from birth.',
    },
    {
      id: 'socialEnvironmentFactors',
      title: 'Factors in the social environment, including family and parenting capacity',
      help: 'Family structure and functioning, parenting capacity, supervision, domestic abuse, substance misuse, poverty and housing, wider social networks.',
    },
    {
      id: 'physicalEnvironmentFactors',
      title: 'Factors in the physical environment',
      help: 'The home, the sleep environment, roads, water, and other hazards where the child lived or died.',
    },
    {
      id: 'serviceProvisionFactors',
      title: 'Factors in service provision',
      help: 'Access to, quality and coordination of health, social care, education, police and other services, including the response at the death.',
    },
  ],
  relevance: {
    informationNotAvailable: '0: Information not available',
    points: [
      ['none_or_unlikely', '1: No factors identified, or factors identified that are unlikely to have contributed to the death'],
      ['may_have_contributed', '2: Factors identified that may have contributed to vulnerability, ill-health or death'],
    ],
  },
};

export const LEGACY_FORM_C: AnalysisVariant = {
  domains: [
    { id: 'childFactors', title: 'Factors intrinsic to the child', help: 'The child’s health, development and behaviour.' },
    {
      id: 'familyEnvironmentFactors',
      title: 'Factors in the family and environment',
      help: 'The family, the home and the wider environment.',
    },
    {
      id: 'parentingCapacityFactors',
      title: 'Parenting capacity',
      help: 'The capacity of the parents or carers to meet the child’s needs.',
    },
    { id: 'serviceProvisionFactors', title: 'Factors in service provision', help: 'The services provided to the child and family.' },
  ],
  relevance: {
    informationNotAvailable: '0: Information not available',
    points: [
      ['none', '1: No factors identified'],
      ['present_unlikely_contributed', '1*: Factors present but unlikely to have contributed to the death'],
      ['may_have_contributed', '2: Factors that may have contributed to the death'],
      ['complete_explanation', '3: Factors that provide a complete and sufficient explanation for the death'],
    ],
  },
};

/** The ten national categories of death, in their hierarchical order, with the national guidance (paraphrased) as help. */
export const CATEGORIES_OF_DEATH: readonly (readonly [number, string, string])[] = [
  [
    1,
    'Deliberately inflicted injury, abuse or neglect',
    'Includes suffocation, shaking injury, knifing, shooting, poisoning and other means of probable or definite homicide; deaths from war, terrorism or other mass violence; severe neglect leading to death.',
  ],
  [2, 'Suicide or deliberate self-inflicted harm', 'Usually applies to adolescents rather than younger children.'],
  [
    3,
    'Trauma and other external factors',
    'Head injury and other trauma, burns, drowning, unintentional poisoning, anaphylaxis and other extreme reactions, electrocution; the extent to which medical or surgical complications or error belong here is for local decision.',
  ],
  [
    4,
    'Malignancy',
    'Solid tumours, leukaemias and lymphomas, and malignant proliferative conditions, even if the final event was an infection or haemorrhage.',
  ],
  [
    5,
    'Acute medical or surgical condition',
    'For example Kawasaki disease, acute nephritis, intestinal volvulus, diabetic ketoacidosis, acute asthma, intussusception, appendicitis; sudden unexpected death in epilepsy.',
  ],
  [
    6,
    'Chronic medical condition',
    'For example Crohn’s disease, liver disease, immune deficiencies, even if the final event was an infection or haemorrhage; cerebral palsy with a clear post-perinatal cause.',
  ],
  [
    7,
    'Chromosomal, genetic and congenital anomalies',
    'Trisomies and other chromosomal disorders, single gene defects, neurodegenerative disease, cystic fibrosis, and other congenital anomalies including cardiac.',
  ],
  [
    8,
    'Perinatal/neonatal event',
    'Death ultimately related to perinatal events, such as the sequelae of prematurity, antepartum and intrapartum anoxia, bronchopulmonary dysplasia, at whatever age; includes early-onset infection (first postnatal week).',
  ],
  [
    9,
    'Infection',
    'Any primary infection (not a complication of the above) arising after the first postnatal week, or after discharge of a preterm baby.',
  ],
  [
    10,
    'Sudden unexpected, unexplained death',
    'Where the pathological diagnosis is sudden infant death syndrome or "unascertained", at any age. Excludes sudden unexpected death in epilepsy (category 5).',
  ],
];

function domainSection(d: AnalysisDomain, scale: RelevanceScale): Section {
  return section(
    d.id,
    d.title,
    [
      narrative('factors', 'Factors identified in this domain', {
        notApplicable: true,
        help: "'not_applicable' when the panel identified no factor in this domain.",
      }),
      choice('relevance', 'Relevance of the factors in this domain', scale.points, { notKnownLabel: scale.informationNotAvailable }),
    ],
    d.help,
  );
}

interface AnalysisTemplateMeta {
  key: string;
  title: string;
  version: number;
  effectiveFrom: string;
}

/** The analysis form for a variant of domains and relevance scale. */
export function buildAnalysisTemplate(variant: AnalysisVariant, meta: AnalysisTemplateMeta): TemplateDefinition {
  return defineTemplate({
    ...meta,
    kind: 'analysis',
    description:
      'The panel’s analysis of a death: the category of death, the factors in each domain and their relevance, whether there were modifiable factors, learning, actions and referrals.',
    sections: [
      section('review', 'The review', [
        date('panelMeetingDate', 'Date of the panel meeting', { notKnown: false }),
        yesNo('reviewMeetingHeld', 'Was a child death review meeting (or the final case discussion of a Joint Agency Response) held?'),
        narrative('summary', 'Anonymised summary of the case', {
          notKnown: false,
          help: 'The case reference only: no names, dates of birth or addresses.',
        }),
        yesNo('informationSufficient', 'Did the panel have enough information to complete the review?'),
      ]),
      section(
        'category',
        'Category of death',
        [
          choice(
            'categoryOfDeath',
            'Category of death',
            CATEGORIES_OF_DEATH.map(([n, label, help]) => [n, `${n}. ${label}`, help] as const),
            { notKnown: false },
          ),
        ],
        'Hierarchical: where more than one category fits, record the lowest-numbered.',
      ),
      ...variant.domains.map((d) => domainSection(d, variant.relevance)),
      section('modifiableFactors', 'Modifiable factors', [
        choice(
          'modifiable',
          'Were there modifiable factors: factors which, by national or locally achievable interventions, could be modified to reduce the risk of future child deaths?',
          [
            ['yes', 'Modifiable factors identified'],
            ['no', 'No modifiable factors identified'],
          ],
          { notKnownLabel: 'Insufficient information to decide' },
        ),
        narrative('modifiableFactorsDetail', 'The modifiable factors', { when: { question: 'modifiable', in: ['yes'] } }),
      ]),
      section('learningAndActions', 'Learning and actions', [
        records(
          'learningPoints',
          'Learning points',
          [text('learningPoint', 'Learning point', { notKnown: false })],
          { maxItems: 30 },
          { notKnown: false, notApplicable: true, help: "'not_applicable' when the panel identified no learning." },
        ),
        records(
          'actions',
          'Actions and recommendations',
          [
            text('action', 'Action or recommendation', { notKnown: false }),
            text('responsible', 'Who is responsible (agency or role)', { maxLength: 200, notKnown: false }),
            date('targetDate', 'Target date', { notKnown: false }),
          ],
          { maxItems: 30 },
          { notKnown: false, notApplicable: true, help: "'not_applicable' when the panel made no recommendation." },
        ),
        yesNo('nationalIssues', 'Does the death raise issues for national action?'),
      ]),
      section('referrals', 'Referrals and wider concerns', [
        yesNo(
          'safeguardingReviewCriteria',
          'Is abuse or neglect known or suspected, so that a Child Safeguarding Practice Review should be considered?',
        ),
        yesNo('referredToSafeguardingPartners', 'Has the case been referred to the safeguarding partners?', {
          when: { question: 'safeguardingReviewCriteria', in: ['yes'] },
        }),
        yesNo('publicHealthConcern', 'Does the death raise wider public-health or safety concerns?'),
        narrative('publicHealthConcernDetail', 'The concerns', { when: { question: 'publicHealthConcern', in: ['yes'] } }),
        yesNo('possiblyLinkedDeaths', 'Could the death be linked to other deaths (for example a possible suicide cluster)?'),
        yesNo('bereavementSupportOffered', 'Was the family offered bereavement support and a key worker?'),
        yesNo('familyQuestionsAnswered', 'Were the family’s questions for the review answered?', { notApplicable: true }),
      ]),
    ],
  });
}

export const ANALYSIS: TemplateDefinition = buildAnalysisTemplate(ANALYSIS_2018, {
  key: 'analysis',
  title: 'Analysis form',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
});
