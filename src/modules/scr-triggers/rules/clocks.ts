import type { ClockDefinition } from './rule';

/**
 * The statutory clocks an SCR flag can start, all counted in working days (England and Wales bank holidays) from
 * the day the responsible body became aware (docs/domain.md, "Safeguarding reviews"). Durations marked (check) come
 * from guidance the team has not confirmed against the primary document.
 */
export const OFSTED_NOTIFIABLE_INCIDENT: ClockDefinition = {
  id: 'ofsted_notifiable_incident',
  label: 'Notifiable incident reported to Ofsted',
  basis: 'Working Together 2015: notifiable incidents reported to Ofsted within 5 working days of becoming aware.',
  workingDays: 5,
};

export const SERIOUS_INCIDENT_NOTIFICATION: ClockDefinition = {
  id: 'serious_incident_notification',
  label: 'Serious incident notification to the Child Safeguarding Practice Review Panel',
  basis: 'Children Act 2004 s16C; Working Together 2018/2023: notify the national panel within 5 working days of becoming aware.',
  workingDays: 5,
};

export const DEATH_NOTIFIED_TO_SECRETARY_OF_STATE_AND_OFSTED: ClockDefinition = {
  id: 'death_notified_to_secretary_of_state_and_ofsted',
  label: 'Death notified to the Secretary of State and Ofsted',
  basis:
    'Working Together 2018/2023: the death of a looked-after child is notified to the Secretary of State and Ofsted, whether or not abuse or neglect is suspected (5 working days: check).',
  workingDays: 5,
};

export const REGULATED_SETTING_DEATH_TO_OFSTED: ClockDefinition = {
  id: 'regulated_setting_death_to_ofsted',
  label: 'Death in a regulated setting notified to Ofsted',
  basis: 'A death in a regulated setting is notified to Ofsted by the setting and the local authority (5 working days: check).',
  workingDays: 5,
};
