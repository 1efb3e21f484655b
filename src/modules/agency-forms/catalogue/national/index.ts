import type { TemplateDefinition } from '../types';
import { ANALYSIS } from './analysis';
import { ASTHMA_ANAPHYLAXIS } from './asthma-anaphylaxis';
import { CARDIAC } from './cardiac';
import { CONGENITAL_ANOMALIES } from './congenital-anomalies';
import { DROWNING } from './drowning';
import { IMR } from './imr';
import { LIFE_LIMITING } from './life-limiting';
import { NEONATAL } from './neonatal';
import { REPORTING } from './reporting';
import { RTC } from './rtc';
import { SUBSTANCE_MISUSE } from './substance-misuse';
import { SUDI } from './sudi';
import { SUICIDE_SELF_HARM } from './suicide-self-harm';

/** The national set, seeded as version 1 of each template: the reporting form, the supplementary forms, the IMR and the analysis form. */
export const NATIONAL_TEMPLATES: readonly TemplateDefinition[] = [
  REPORTING,
  SUDI,
  SUICIDE_SELF_HARM,
  RTC,
  DROWNING,
  ASTHMA_ANAPHYLAXIS,
  CARDIAC,
  NEONATAL,
  CONGENITAL_ANOMALIES,
  LIFE_LIMITING,
  SUBSTANCE_MISUSE,
  IMR,
  ANALYSIS,
];

export { ANALYSIS_2018, LEGACY_FORM_C, CATEGORIES_OF_DEATH, buildAnalysisTemplate } from './analysis';
