import { DEATH_NOTIFIED_TO_SECRETARY_OF_STATE_AND_OFSTED, OFSTED_NOTIFIABLE_INCIDENT } from './clocks';
import { anyFormAnswers, notificationAnswers } from './evidence';
import type { ScrRule } from './rule';

/**
 * The death of a looked-after child, of a child subject to a child protection plan, or of a child in custody or
 * secure accommodation: a statutory notification duty, not a review criterion. Under the current regime the death of
 * a looked-after child goes to the Secretary of State and Ofsted whether or not abuse is suspected, and does not by
 * itself start a national-panel notification or a rapid review (that is `abuse_or_neglect_death`'s job when abuse or
 * neglect is suspected too).
 */
export const statutoryDeathNotification: ScrRule = {
  id: 'statutory_death_notification',
  version: 1,
  title: 'Death of a looked-after child, a child on a protection plan, or a child in custody or secure accommodation',
  basis:
    'Notification duties on the death of a looked-after child, a child subject to a child protection plan, or a child in custody or secure accommodation (Working Together 2015 notifiable incidents; Working Together 2018/2023).',
  outcomes: {
    '2015': {
      kind: 'statutory_notification',
      opens: 'A notifiable incident reported to Ofsted.',
      clocks: [OFSTED_NOTIFIABLE_INCIDENT],
    },
    '2018': {
      kind: 'statutory_notification',
      opens: 'The death notified to the Secretary of State and Ofsted; no rapid review unless abuse or neglect is also suspected.',
      clocks: [DEATH_NOTIFIED_TO_SECRETARY_OF_STATE_AND_OFSTED],
    },
  },
  evaluate(s) {
    const evidence = [
      ...anyFormAnswers(s, [
        { templates: ['reporting'], section: 'safeguarding', question: 'lookedAfter', answers: ['current'] },
        { templates: ['reporting'], section: 'safeguarding', question: 'childProtectionPlan', answers: ['current'] },
        { templates: ['suicide-self-harm'], section: 'circumstances', question: 'setting', answers: ['custody_or_secure_setting'] },
      ]),
      ...notificationAnswers(s, '/death/jointAgencyResponse/reasons', ['custody_or_detained']),
      ...notificationAnswers(s, '/death/placeOfDeath/type', [
        'custody',
        'secure_childrens_home',
        'secure_training_centre',
        'young_offender_institution',
      ]),
    ];
    return evidence.length ? { evidence } : null;
  },
};
