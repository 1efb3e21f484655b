import { OFSTED_NOTIFIABLE_INCIDENT, SERIOUS_INCIDENT_NOTIFICATION } from './clocks';
import { abuseOrNeglectEvidence } from './questions';
import type { ScrRule } from './rule';

/**
 * Abuse or neglect is known or suspected, and the child died: the core criterion of both regimes. "Always undertake
 * a SCR when a child dies (including suicide) and abuse or neglect is suspected to be a factor, irrespective of
 * whether children's social care were involved" (docs/domain.md, "Safeguarding reviews").
 */
export const abuseOrNeglectDeath: ScrRule = {
  id: 'abuse_or_neglect_death',
  version: 1,
  title: 'Abuse or neglect known or suspected, and the child died',
  basis:
    'LSCB Regulations 2006 reg. 5(2)(a)(i) (Working Together 2015); Children Act 2004 s16C (Working Together 2018/2023): abuse or neglect of a child is known or suspected and the child has died.',
  outcomes: {
    '2015': {
      kind: 'safeguarding_review',
      opens:
        'Referral to the safeguarding board for a Serious Case Review (decision to proceed within 1 month); a notifiable incident for Ofsted.',
      clocks: [OFSTED_NOTIFIABLE_INCIDENT],
    },
    '2018': {
      kind: 'safeguarding_review',
      opens: 'A serious incident notification to the national panel, then a rapid review by the safeguarding partners.',
      clocks: [SERIOUS_INCIDENT_NOTIFICATION],
    },
  },
  evaluate(s) {
    const evidence = abuseOrNeglectEvidence(s);
    return evidence.length ? { evidence } : null;
  },
};
