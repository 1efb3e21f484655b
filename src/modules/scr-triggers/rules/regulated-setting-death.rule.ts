import { OFSTED_NOTIFIABLE_INCIDENT, REGULATED_SETTING_DEATH_TO_OFSTED } from './clocks';
import { anyFormAnswers, notificationAnswers } from './evidence';
import type { ScrRule } from './rule';

/** The places of death (or of the fatal event) on the notification form that are regulated or secure settings. */
const REGULATED_OR_SECURE_PLACES = [
  'childrens_home',
  'secure_childrens_home',
  'secure_training_centre',
  'young_offender_institution',
  'residential_school',
  'custody',
] as const;

/** A death in a regulated or secure setting: children's home, secure children's home, custody, residential school. */
export const regulatedSettingDeath: ScrRule = {
  id: 'regulated_setting_death',
  version: 1,
  title: 'Death in a regulated or secure setting',
  basis:
    "A death in a regulated or secure setting (children's home, secure children's home, secure training centre, young offender institution, residential school, custody) is notified to Ofsted (Working Together 2015 notifiable incidents; the settings' regulations).",
  outcomes: {
    '2015': { kind: 'statutory_notification', opens: 'A notifiable incident reported to Ofsted.', clocks: [OFSTED_NOTIFIABLE_INCIDENT] },
    '2018': {
      kind: 'statutory_notification',
      opens: 'The death notified to Ofsted by the setting and the local authority.',
      clocks: [REGULATED_SETTING_DEATH_TO_OFSTED],
    },
  },
  evaluate(s) {
    const evidence = [
      ...notificationAnswers(s, '/death/placeOfDeath/type', REGULATED_OR_SECURE_PLACES),
      ...notificationAnswers(s, '/death/placeOfFatalEvent/type', REGULATED_OR_SECURE_PLACES),
      ...anyFormAnswers(s, [
        { templates: ['suicide-self-harm'], section: 'circumstances', question: 'setting', answers: ['custody_or_secure_setting'] },
      ]),
    ];
    return evidence.length ? { evidence } : null;
  },
};
