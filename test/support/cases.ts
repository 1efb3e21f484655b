import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { components } from '../../src/generated/openapi';
import { daysBetween } from '../../src/modules/cases/age-at-death';
import { allocateCaseReference } from '../../src/modules/cases/case-reference';
import { findPanelRef } from '../../src/modules/directory';
import type { CaseStatus, HoldReason } from '../../src/modules/cases/case-status';
import { computeCaseDeadlines, DEFAULT_DEADLINE_RULES } from '../../src/modules/cases/clocks';
import { londonDateOf, londonLocalInstant } from '../../src/platform/time';
import { inTransaction } from '../../src/platform/db/transaction';
import type { Principal } from '../../src/access/principal';
import { caseFormsPort } from '../../src/modules/agency-forms';
import { createCasesService, type CasesForPanels, type PanelStep } from '../../src/modules/cases';
import { caseNotificationsPort } from '../../src/modules/notifications';

/**
 * Test factory for cases, writing the rows the notification intake writes
 * (cases, the 'notify' action, notifications with the whole form as payload,
 * case_agencies, case_deadlines from the clocks) straight into the database,
 * so case tests do not depend on the intake. Realistic but invented data.
 */

type NotificationForm = components['schemas']['NotificationCreate'];

export interface SeedPanel {
  id: string;
  code: string;
}

async function seedPanel(ds: DataSource, code: string, la: { code: string; name: string }): Promise<SeedPanel> {
  const [p] = await ds.query(`INSERT INTO panels (code, name) VALUES ($1, $2) RETURNING id`, [code, `${la.name} CDOP`]);
  await ds.query(`INSERT INTO panel_local_authorities (la_code, panel_id, name, position) VALUES ($1, $2, $3, 0)`, [
    la.code,
    p.id,
    la.name,
  ]);
  return { id: p.id, code };
}

export async function seedAgency(ds: DataSource, name: string, type: string, odsCode: string | null = null): Promise<string> {
  const [a] = await ds.query(`INSERT INTO agencies (name, type, ods_code) VALUES ($1, $2, $3) RETURNING id`, [name, type, odsCode]);
  return a.id as string;
}

export interface CaseWorld {
  panels: { wor: SeedPanel; her: SeedPanel; shr: SeedPanel };
  agencies: { hospital: string; gp: string; police: string; school: string };
}

/** Three panels (Worcestershire, Herefordshire, Shropshire) and four agencies. */
export async function seedCaseWorld(ds: DataSource): Promise<CaseWorld> {
  return {
    panels: {
      wor: await seedPanel(ds, 'WOR', { code: 'E10000034', name: 'Worcestershire' }),
      her: await seedPanel(ds, 'HER', { code: 'E06000019', name: 'Herefordshire' }),
      shr: await seedPanel(ds, 'SHR', { code: 'E06000051', name: 'Shropshire' }),
    },
    agencies: {
      hospital: await seedAgency(ds, 'Worcestershire Acute Hospitals NHS Trust', 'hospital_trust', 'RWP'),
      gp: await seedAgency(ds, 'Severn Valley Medical Practice', 'gp_practice', 'M81001'),
      police: await seedAgency(ds, 'West Mercia Police', 'police'),
      school: await seedAgency(ds, 'Riverside Primary School', 'education'),
    },
  };
}

interface CaseSeed {
  /** null: the unassigned queue. */
  panelId: string | null;
  notifierAgencyId: string;
  /** Agencies named on the notification (default: the notifier). */
  agencyIds?: string[];
  status?: CaseStatus;
  holdReason?: HoldReason;
  nhsNumber?: string | null;
  givenName?: string;
  familyName?: string;
  alternativeNames?: { givenName: string; familyName: string }[];
  dateOfBirth?: string;
  dateOfDeath?: string;
  sex?: 'male' | 'female' | 'indeterminate' | 'not_known';
  localAuthority?: string;
  expected?: 'expected' | 'unexpected' | 'not_known';
  category?: number | null;
  notifiedAt?: Date;
}

interface SeededCase {
  id: string;
  reference: string | null;
  notificationId: string;
  version: number;
}

const WALK: Record<CaseStatus, [string, CaseStatus][]> = {
  notified: [],
  gathering_information: [['request_information', 'gathering_information']],
  child_death_review_meeting: [
    ['request_information', 'gathering_information'],
    ['convene_review_meeting', 'child_death_review_meeting'],
  ],
  ready_for_panel: [
    ['request_information', 'gathering_information'],
    ['mark_ready_for_panel', 'ready_for_panel'],
  ],
  scheduled_for_panel: [
    ['request_information', 'gathering_information'],
    ['mark_ready_for_panel', 'ready_for_panel'],
    ['schedule_for_panel', 'scheduled_for_panel'],
  ],
  reviewed: [
    ['request_information', 'gathering_information'],
    ['mark_ready_for_panel', 'ready_for_panel'],
    ['schedule_for_panel', 'scheduled_for_panel'],
    ['record_panel_review', 'reviewed'],
  ],
  closed: [
    ['request_information', 'gathering_information'],
    ['mark_ready_for_panel', 'ready_for_panel'],
    ['schedule_for_panel', 'scheduled_for_panel'],
    ['record_panel_review', 'reviewed'],
    ['close', 'closed'],
  ],
};

/** The national notification form for a seed, as the intake stores it. */
function notificationForm(s: CaseSeed & { dateOfDeath: string; dateOfBirth: string }): NotificationForm {
  return {
    child: {
      ...(s.nhsNumber ? { nhsNumber: s.nhsNumber } : { nhsNumberExceptionReason: 'nhs_number_not_currently_available' as const }),
      name: { givenName: s.givenName ?? 'Amelia', familyName: s.familyName ?? 'Hartley' },
      alternativeNames: s.alternativeNames ?? [],
      dateOfBirth: s.dateOfBirth,
      sex: s.sex ?? 'female',
      ethnicity: 'A',
      address: { lines: ['12 Foregate Street'], town: 'Worcester', postcode: 'WR1 1AA' },
      gpPracticeOdsCode: 'M81001',
      localAuthorityOfResidence: s.localAuthority ?? 'E10000034',
    },
    parentalResponsibility: [{ name: { givenName: 'Sarah', familyName: s.familyName ?? 'Hartley' }, relationship: 'mother' }],
    death: {
      dateOfDeath: s.dateOfDeath,
      timeOfDeath: '04:30',
      placeOfDeath: { type: 'emergency_department', detail: 'Worcestershire Royal Hospital' },
      placeOfFatalEvent: { type: 'home' },
      expected: s.expected ?? 'unexpected',
      jointAgencyResponse: { triggered: true, reasons: ['sudden_unexplained'] },
      postMortem: 'yes',
      circumstances: 'Found unresponsive in the morning; ambulance called; pronounced dead in the emergency department.',
    },
    alert: { hasConcerns: false },
    agenciesInvolved: (s.agencyIds ?? [s.notifierAgencyId]).map((agencyId) => ({ agencyId })),
    notifier: { agencyId: s.notifierAgencyId, name: 'Dr A Named', role: 'Consultant paediatrician' },
    notifiedOn: londonDateOf(s.notifiedAt ?? new Date()),
  };
}

let seq = 0;

/** Inserts a case as the intake would, then walks it to `status` (system actions), with an optional hold. */
export async function insertCase(ds: DataSource, seed: CaseSeed): Promise<SeededCase> {
  seq++;
  const notifiedAt = seed.notifiedAt ?? new Date();
  const dateOfDeath = seed.dateOfDeath ?? londonDateOf(new Date(notifiedAt.getTime() - 86_400_000));
  const dateOfBirth = seed.dateOfBirth ?? '2025-03-14';
  const givenName = seed.givenName ?? 'Amelia';
  const familyName = seed.familyName ?? `Hartley${seq}`;
  const s = { ...seed, dateOfDeath, dateOfBirth, givenName, familyName, notifiedAt };
  const form = notificationForm(s);
  return inTransaction(ds, async (tx) => {
    const panel = seed.panelId ? await findPanelRef(tx, seed.panelId) : undefined;
    const reference = panel ? await allocateCaseReference(tx, panel, Number(londonDateOf(notifiedAt).slice(0, 4))) : null;
    const [c] = await tx.query(
      `INSERT INTO cases (reference, panel_id, status, child_nhs_number, child_nhs_exception, child_given_name, child_family_name,
                          child_date_of_birth, child_sex, date_of_death, age_at_death_days, local_authority_code, expected_death, category,
                          notified_at)
       VALUES ($1, $2, 'notified', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [
        reference,
        seed.panelId,
        seed.nhsNumber ?? null,
        seed.nhsNumber ? null : 'nhs_number_not_currently_available',
        givenName,
        familyName,
        dateOfBirth,
        seed.sex ?? 'female',
        dateOfDeath,
        daysBetween(dateOfBirth, dateOfDeath),
        seed.localAuthority ?? 'E10000034',
        seed.expected ?? 'unexpected',
        seed.category ?? null,
        notifiedAt,
      ],
    );
    const caseId = c.id as string;
    const [n] = await tx.query(
      `INSERT INTO notifications (case_id, notifier_agency_id, notified_on, received_at, submitted_by_type, submitted_by_id, match, payload)
       VALUES ($1, $2, $3, $4, 'user', $5, 'new_case', $6) RETURNING id`,
      [caseId, seed.notifierAgencyId, form.notifiedOn, notifiedAt, randomUUID(), JSON.stringify(form)],
    );
    await tx.query(
      `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload, occurred_at)
       VALUES ($1, 'notify', NULL, 'notified', 'user', $2, $3, $4)`,
      [caseId, randomUUID(), JSON.stringify({ notificationId: n.id }), notifiedAt],
    );
    for (const agencyId of new Set(seed.agencyIds ?? [seed.notifierAgencyId])) {
      await tx.query(`INSERT INTO case_agencies (case_id, agency_id, first_notification_id) VALUES ($1, $2, $3)`, [caseId, agencyId, n.id]);
    }
    const deadlines = computeCaseDeadlines(
      { date_of_death: londonLocalInstant(dateOfDeath, '04:30'), notified_at: notifiedAt },
      DEFAULT_DEADLINE_RULES,
    );
    for (const d of deadlines) {
      const rule = DEFAULT_DEADLINE_RULES.find((r) => r.id === d.ruleId)!;
      await tx.query(
        `INSERT INTO case_deadlines (case_id, rule_id, starts_from, started_at, due_at, due_date) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          caseId,
          d.ruleId,
          rule.startsFrom,
          rule.startsFrom === 'notified_at' ? notifiedAt : londonLocalInstant(dateOfDeath, '04:30'),
          d.dueAt,
          d.dueDate,
        ],
      );
    }
    let status: CaseStatus = 'notified';
    for (const [action, to] of WALK[seed.status ?? 'notified']) {
      await tx.query(
        `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload) VALUES ($1, $2, $3, $4, 'system', NULL, '{}')`,
        [caseId, action, status, to],
      );
      status = to;
    }
    if (seed.holdReason) {
      await tx.query(
        `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload) VALUES ($1, 'place_hold', $2, $2, 'system', NULL, $3)`,
        [caseId, status, JSON.stringify({ holdReason: seed.holdReason })],
      );
    }
    await tx.query(
      `UPDATE cases SET status = $2, hold_reason = $3, held_since = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END WHERE id = $1`,
      [caseId, status, seed.holdReason ?? null],
    );
    return { id: caseId, reference, notificationId: n.id as string, version: 1 };
  });
}

/** A later notifier of the same death, attached as the intake does. */
export async function attachNotification(
  ds: DataSource,
  caseId: string,
  agencyId: string,
  opts: { match?: 'nhs_number' | 'demographics'; alsoNames?: string[]; receivedAt?: Date } = {},
): Promise<string> {
  return inTransaction(ds, async (tx) => {
    const [c] = await tx.query(`SELECT status, child_date_of_birth::text AS dob, date_of_death::text AS dod FROM cases WHERE id = $1`, [
      caseId,
    ]);
    const form = notificationForm({
      panelId: null,
      notifierAgencyId: agencyId,
      agencyIds: [agencyId, ...(opts.alsoNames ?? [])],
      dateOfBirth: c.dob,
      dateOfDeath: c.dod,
    });
    const [n] = await tx.query(
      `INSERT INTO notifications (case_id, notifier_agency_id, notified_on, received_at, submitted_by_type, submitted_by_id, match, payload)
       VALUES ($1, $2, $3, $4, 'client', $5, $6, $7) RETURNING id`,
      [caseId, agencyId, form.notifiedOn, opts.receivedAt ?? new Date(), randomUUID(), opts.match ?? 'demographics', JSON.stringify(form)],
    );
    await tx.query(
      `INSERT INTO case_actions (case_id, action, from_status, to_status, actor_type, actor_id, payload) VALUES ($1, 'attach_notification', $2, $2, 'client', $3, $4)`,
      [caseId, c.status, randomUUID(), JSON.stringify({ notificationId: n.id, match: opts.match ?? 'demographics' })],
    );
    for (const a of new Set([agencyId, ...(opts.alsoNames ?? [])])) {
      await tx.query(
        `INSERT INTO case_agencies (case_id, agency_id, first_notification_id) VALUES ($1, $2, $3) ON CONFLICT (case_id, agency_id) DO NOTHING`,
        [caseId, a, n.id],
      );
    }
    return n.id as string;
  });
}

/** A flag as a rule raises it; POSSIBLE_DUPLICATE by default, as the intake's duplicate rule does. */
export async function insertFlag(
  ds: DataSource,
  caseId: string,
  f: { type?: string; relatedCaseId?: string | null; evidence?: Record<string, unknown>; ruleId?: string; ruleVersion?: number } = {},
): Promise<string> {
  const type = f.type ?? 'POSSIBLE_DUPLICATE';
  const [row] = await ds.query(
    `INSERT INTO case_flags (case_id, type, rule_id, rule_version, evidence, related_case_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      caseId,
      type,
      f.ruleId ?? (type === 'POSSIBLE_DUPLICATE' ? 'notification.duplicate_match' : `test.${type.toLowerCase()}`),
      f.ruleVersion ?? 1,
      JSON.stringify(
        f.evidence ?? (type === 'POSSIBLE_DUPLICATE' ? { matchedOn: ['name', 'date_of_death'], differences: ['date_of_birth'] } : {}),
      ),
      f.relatedCaseId ?? null,
    ],
  );
  return row.id as string;
}

/** Moves a clock's due date into the past (or the future), to make a case overdue or not. */
export async function setDeadlineDue(ds: DataSource, caseId: string, ruleId: string, dueAt: Date): Promise<void> {
  await ds.query(
    `UPDATE case_deadlines SET due_at = $3, due_date = ($3::timestamptz AT TIME ZONE 'Europe/London')::date WHERE case_id = $1 AND rule_id = $2`,
    [caseId, ruleId, dueAt],
  );
}

/** A stable fingerprint of everything about a case that a refused request must not change. */
export async function caseFingerprint(ds: DataSource, caseId: string): Promise<string> {
  const [r] = await ds.query(
    `SELECT row_to_json(c)::text AS c,
            (SELECT count(*) FROM case_actions a WHERE a.case_id = $1)::int AS actions,
            (SELECT json_agg(n.id ORDER BY n.id) FROM notifications n WHERE n.case_id = $1)::text AS notifications,
            (SELECT json_agg(json_build_object('id', f.id, 's', f.status) ORDER BY f.id) FROM case_flags f WHERE f.case_id = $1)::text AS flags,
            (SELECT json_agg(json_build_object('r', d.rule_id, 'm', d.met_at) ORDER BY d.rule_id) FROM case_deadlines d WHERE d.case_id = $1)::text AS deadlines
       FROM cases c WHERE c.id = $1`,
    [caseId],
  );
  return JSON.stringify(r);
}

/**
 * Takes a panel step (schedule_for_panel, unschedule, record_panel_review) through the cases module's facade for the
 * panel's modules (`CasesForPanels.step`), in a transaction of its own: for case tests that need a case moved along
 * without building a meeting or a signed-off review.
 */
export async function takePanelStep(
  ds: DataSource,
  p: Principal,
  caseId: string,
  step: PanelStep,
  details: Parameters<CasesForPanels['step']>[4] = {},
): Promise<{ fromStatus: CaseStatus; toStatus: CaseStatus }> {
  const cases = createCasesService(ds, { notifications: caseNotificationsPort, forms: caseFormsPort });
  return inTransaction(ds, (tx) => cases.panels.step(tx, p, caseId, step, details));
}
