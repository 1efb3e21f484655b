import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { permissionsOf, ROLES, type Role } from '../../src/access/roles';
import { seedNationalTemplates } from '../../src/modules/agency-forms';
import { completeness, exampleAnswers, findTemplate } from '../../src/modules/agency-forms/catalogue';
import { accessTokenFor, registerTestClient, type TestClient } from '../support/api-clients';
import { attachNotification, insertCase, insertFlag, seedCaseWorld, type CaseWorld } from '../support/cases';
import { nhsNumberFrom } from '../support/notifications';
import { as, principal } from '../support/principals';
import type { Hints } from './schema-arbitraries';

/**
 * The data every operation is fuzzed against, seeded afresh before each
 * operation: three panels and four agencies (test/support/cases.ts), cases in
 * most statuses in two panels and in the unassigned queue, a second
 * notification, open POSSIBLE_DUPLICATE and NHS_NUMBER_CONFLICT flags (so a
 * merge can succeed), people who have signed in, and a registered agency
 * system with a real access token. Its ids are the `Hints` the generators use
 * so requests reach real rows.
 */
export interface World {
  caseWorld: CaseWorld;
  caseIds: string[];
  notificationIds: string[];
  flagIds: string[];
  userIds: string[];
  client: TestClient;
  principals: FuzzPrincipal[];
  hints: Hints;
}

export interface FuzzPrincipal {
  /** 'anonymous' or the role. */
  name: string;
  permissions: ReadonlySet<string>;
  headers: Record<string, string>;
}

const NHS_1 = '9434765919';
const NHS_2 = nhsNumberFrom(401_023_117);

/**
 * The world's rows, copied once into a schema of their own (`fuzz_world`), so an operation that may have written gets
 * the same world back in one round trip instead of seeding it again (some 40 statements, a client registration and a
 * token request). Restoring empties every table and copies the rows back with triggers off (the audit tables'
 * append-only guard, foreign keys), as `truncateAll` does, and puts the sequences back where they were.
 */
export interface WorldSnapshot {
  restoreSql: string;
}

export async function snapshotWorld(ds: DataSource): Promise<WorldSnapshot> {
  // Generated columns are computed again on insert; identity columns are copied as they are (OVERRIDING SYSTEM VALUE).
  const tables: { t: string; cols: string }[] = await ds.query(
    `SELECT format('%I', c.relname) AS t, string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) AS cols
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition AND c.relname <> 'schema_migrations'
      GROUP BY c.relname`,
  );
  const sequences: { s: string; v: string | null }[] = await ds.query(
    `SELECT format('%I', sequencename) AS s, last_value::text AS v FROM pg_sequences WHERE schemaname = 'public'`,
  );
  await ds.query(
    [
      'DROP SCHEMA IF EXISTS fuzz_world CASCADE',
      'CREATE SCHEMA fuzz_world',
      ...tables.map(({ t, cols }) => `CREATE TABLE fuzz_world.${t} AS SELECT ${cols} FROM public.${t}`),
    ].join('; '),
  );
  const restoreSql = [
    'SET LOCAL session_replication_role = replica',
    ...tables.map(({ t }) => `DELETE FROM public.${t}`),
    ...tables.map(({ t, cols }) => `INSERT INTO public.${t} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM fuzz_world.${t}`),
    ...sequences.map(({ s, v }) => (v === null ? `ALTER SEQUENCE public.${s} RESTART` : `SELECT setval('public.${s}', ${v})`)),
  ].join('; ');
  return { restoreSql };
}

export async function restoreWorld(ds: DataSource, snapshot: WorldSnapshot): Promise<void> {
  await ds.transaction((tx) => tx.query(snapshot.restoreSql));
}

export async function dropWorldSnapshot(ds: DataSource): Promise<void> {
  await ds.query('DROP SCHEMA IF EXISTS fuzz_world CASCADE');
}

export async function seedWorld(ds: DataSource, app: Express, tokenUrl: string): Promise<World> {
  const w = await seedCaseWorld(ds);
  const { wor, her } = w.panels;
  const { hospital, gp, police, school } = w.agencies;
  const days = (n: number) => new Date(Date.now() - n * 86_400_000);
  const c1 = await insertCase(ds, {
    panelId: wor.id,
    notifierAgencyId: hospital,
    agencyIds: [hospital, gp],
    nhsNumber: NHS_1,
    notifiedAt: days(3),
  });
  const c2 = await insertCase(ds, {
    panelId: wor.id,
    notifierAgencyId: police,
    status: 'gathering_information',
    holdReason: 'criminal_proceedings',
  });
  const c3 = await insertCase(ds, { panelId: wor.id, notifierAgencyId: hospital, status: 'scheduled_for_panel', nhsNumber: NHS_2 });
  const c4 = await insertCase(ds, { panelId: wor.id, notifierAgencyId: school, status: 'closed', category: 3 });
  const c5 = await insertCase(ds, { panelId: wor.id, notifierAgencyId: gp, familyName: 'Hartley1' });
  const c6 = await insertCase(ds, { panelId: her.id, notifierAgencyId: hospital, status: 'ready_for_panel', localAuthority: 'E06000019' });
  const c7 = await insertCase(ds, { panelId: null, notifierAgencyId: hospital, localAuthority: 'E09000001' });
  const c8 = await insertCase(ds, { panelId: w.panels.shr.id, notifierAgencyId: police, status: 'reviewed', localAuthority: 'E06000051' });
  const n2 = await attachNotification(ds, c1.id, gp, { match: 'nhs_number' });
  const f1 = await insertFlag(ds, c5.id, { relatedCaseId: c1.id });
  const f2 = await insertFlag(ds, c3.id, {
    type: 'NHS_NUMBER_CONFLICT',
    relatedCaseId: c4.id,
    ruleId: 'notification.nhs_number_conflict',
    ruleVersion: 2,
    evidence: { matchedOn: ['nhs_number'], differences: ['date_of_birth', 'date_of_death'] },
  });
  const cases = [c1, c2, c3, c4, c5, c6, c7, c8];

  const users: { id: string }[] = await ds.query(
    `INSERT INTO users (idp_id, name_id, display_name, email, roles, panel_ids, agency_id, disabled_at, last_login_at)
     VALUES ('dev', 'coordinator@wor.example', 'Casey Coordinator', 'casey@nhs.example', '{cdop_coordinator}', ARRAY[$1]::uuid[], NULL, NULL, now()),
            ('dev', 'member@wor.example', 'Morgan Member', NULL, '{panel_member}', ARRAY[$1, $2]::uuid[], NULL, NULL, now()),
            ('dev', 'contributor@rwp.example', 'Ari Contributor', NULL, '{agency_contributor}', '{}', $3, NULL, now()),
            ('nhs', 'left@wor.example', 'Lee Left', NULL, '{panel_chair}', ARRAY[$1]::uuid[], NULL, now(), now() - interval '90 days')
     RETURNING id`,
    [wor.id, her.id, hospital],
  );
  // Agency forms: the national templates, a reporting form asked of the hospital (waiting), a SUDI form it submitted,
  // and a reporting form asked of the GP, so the form operations reach real rows.
  await seedNationalTemplates(ds);
  const reporting = findTemplate('reporting')!;
  const sudi = findTemplate('sudi')!;
  const formRequests: { id: string }[] = await ds.query(
    `INSERT INTO form_requests (case_id, agency_id, template_id, template_version, due_date, requested_by)
     VALUES ($1, $2, 'reporting', $4, CURRENT_DATE + 10, 'user:fuzz'), ($1, $2, 'sudi', $5, CURRENT_DATE - 3, 'user:fuzz'),
            ($3, $6, 'reporting', $4, CURRENT_DATE + 10, 'user:fuzz')
     RETURNING id`,
    [c1.id, hospital, c2.id, reporting.version, sudi.version, gp],
  );
  const counts = completeness(sudi, exampleAnswers(sudi));
  await ds.query(
    `INSERT INTO form_submissions (request_id, revision, template_id, template_version, answers, questions, answered, not_known, not_applicable,
       submitted_by_type, submitted_by_id) VALUES ($1, 1, 'sudi', $2, $3, $4, $5, $6, $7, 'client', 'fuzz')`,
    [
      formRequests[1]!.id,
      sudi.version,
      JSON.stringify(exampleAnswers(sudi)),
      counts.questions,
      counts.answered,
      counts.notKnown,
      counts.notApplicable,
    ],
  );
  await ds.query(`UPDATE form_requests SET status = 'submitted', revisions = 1, submitted_at = now() WHERE id = $1`, [formRequests[1]!.id]);
  // Panel meetings: a scheduled meeting of Worcestershire with its coordinator and member invited and c3 on its agenda.
  const [meeting] = await ds.query(
    `INSERT INTO panel_meetings (panel_id, starts_at, location, created_by_type, created_by_id)
     VALUES ($1, now() + interval '14 days', 'Room 2, County Hall', 'user', $2) RETURNING id`,
    [wor.id, users[0]!.id],
  );
  await ds.query(`INSERT INTO panel_meeting_members (meeting_id, user_id, capacity) VALUES ($1, $2, 'other'), ($1, $3, 'police')`, [
    meeting.id,
    users[0]!.id,
    users[1]!.id,
  ]);
  await ds.query(`INSERT INTO panel_meeting_agenda_items (meeting_id, case_id, added_by_id) VALUES ($1, $2, 'user:fuzz')`, [
    meeting.id,
    c3.id,
  ]);
  const meetingIds = [meeting.id as string];
  // The family: a key worker, a contact and two questions (one answered), so the family operations reach real rows.
  await ds.query(
    `INSERT INTO case_family (case_id, key_worker_name, key_worker_role, key_worker_phone, updated_by_type, updated_by_id)
     VALUES ($1, 'Jo Example', 'Key worker', '01905 000000', 'user', 'fuzz')`,
    [c1.id],
  );
  await ds.query(
    `INSERT INTO case_family_contacts (case_id, contacted_on, method, by_role, summary, recorded_by_type, recorded_by_id)
     VALUES ($1, CURRENT_DATE - 1, 'phone', 'Key worker', 'Introduced the key worker.', 'user', 'fuzz')`,
    [c1.id],
  );
  const familyQuestions: { id: string }[] = await ds.query(
    `INSERT INTO case_family_questions (case_id, question, added_by_type, added_by_id, answer, answer_revision, answered_at, answered_by_type, answered_by_id)
     VALUES ($1, 'Why?', 'user', 'fuzz', NULL, 0, NULL, NULL, NULL), ($2, 'How?', 'user', 'fuzz', 'Because.', 1, now(), 'user', 'fuzz')
     RETURNING id`,
    [c1.id, c3.id],
  );
  // Panel review: a draft on the scheduled case, and actions (one without an owner) on it and on the closed one.
  await ds.query(
    `INSERT INTO case_reviews (case_id, revision, template_id, template_version, categories_considered, category, created_by, updated_by)
     VALUES ($1, 1, 'analysis-2018', 1, '{3,10}', 3, 'fuzz', 'fuzz')`,
    [c3.id],
  );
  const reviewActions: { id: string }[] = await ds.query(
    `INSERT INTO review_actions (case_id, description, owner_agency_id, due_date, created_by, updated_by)
     VALUES ($1, 'Review the safer sleep leaflet.', $3, CURRENT_DATE - 5, 'fuzz', 'fuzz'), ($1, 'Decide who leads.', NULL, NULL, 'fuzz', 'fuzz'),
            ($2, 'Audit discharge advice.', $3, CURRENT_DATE + 20, 'fuzz', 'fuzz')
     RETURNING id`,
    [c3.id, c4.id, hospital],
  );
  // SCR flags (scr-triggers): an open one with a running clock on c1, a dismissed one on c3; a referral of c4.
  const safeguardingFlags: { id: string }[] = await ds.query(
    `INSERT INTO safeguarding_flags (case_id, rule_id, rule_version, regime, kind, title, basis, opens, evidence, status, aware_on,
                                     raised_by_change, dismissed_at, dismissed_by, dismissal_reason)
     VALUES ($1, 'abuse_or_neglect_death', 1, '2018', 'safeguarding_review', 'Abuse or neglect', 'Basis', 'Opens', '[]', 'open',
             CURRENT_DATE - 3, 'form_submitted', NULL, NULL, NULL),
            ($2, 'inter_agency_concern', 1, '2015', 'review_consideration', 'Agencies', 'Basis', 'Opens', '[]', 'dismissed',
             CURRENT_DATE - 9, 'form_submitted', now(), 'fuzz', 'Not needed.')
     RETURNING id`,
    [c1.id, c3.id],
  );
  await ds.query(
    `INSERT INTO safeguarding_flag_clocks (flag_id, clock_id, label, basis, working_days, due_on)
     VALUES ($1, 'serious_incident_notification', 'Serious incident notification', 'Basis', 5, CURRENT_DATE + 2)`,
    [safeguardingFlags[0]!.id],
  );
  const safeguardingReviews: { id: string }[] = await ds.query(
    `INSERT INTO safeguarding_reviews (case_id, regime, state, aware_on, referred_at, referred_by_type, referred_by_id, clock_rules_version)
     VALUES ($1, '2015', 'referred', CURRENT_DATE - 10, now(), 'user', 'fuzz', 1) RETURNING id`,
    [c4.id],
  );
  const client = await registerTestClient(ds, {
    agency: 'RWP',
    scopes: ['directory:read', 'notifications:write', 'notifications:read', 'forms:read', 'forms:write'],
  });
  const token = await accessTokenFor(app, client, tokenUrl);

  const person = (role: Role, over: Parameters<typeof principal>[1] = {}): FuzzPrincipal => {
    const p = principal(role, over);
    return { name: role, permissions: p.permissions, headers: as(p) };
  };
  const principals: FuzzPrincipal[] = [
    { name: 'anonymous', permissions: new Set(), headers: {} },
    ...ROLES.map((role): FuzzPrincipal => {
      switch (role) {
        case 'cdop_coordinator':
          return person(role, { id: users[0]!.id, panelIds: [wor.id] });
        case 'panel_member':
          return person(role, { id: users[1]!.id, panelIds: [wor.id, her.id] });
        case 'panel_chair':
          return person(role, { panelIds: [wor.id] });
        case 'agency_contributor':
          return person(role, { id: users[2]!.id, agencyId: hospital });
        case 'hospital_system':
          // The real thing: a bearer token from POST /oauth2/token for the registered client.
          return { name: role, permissions: permissionsOf([role]), headers: { Authorization: `Bearer ${token}` } };
        default:
          return person(role);
      }
    }),
  ];

  const caseIds = cases.map((c) => c.id);
  const notificationIds = [...cases.map((c) => c.notificationId), n2];
  const flagIds = [f1, f2, ...safeguardingFlags.map((f) => f.id)];
  const userIds = users.map((u) => u.id);
  const panelIds = Object.values(w.panels).map((p) => p.id);
  const agencyIds = Object.values(w.agencies);
  const byName: [RegExp, readonly string[]][] = [
    [/^requestid$/, formRequests.map((r) => r.id)],
    [/^meetingid$/, meetingIds],
    [/^actionid$/, reviewActions.map((r) => r.id)],
    [/^templateid$/, ['reporting', 'sudi', 'analysis']],
    [/odscode/, ['RWP', 'M81001']],
    [/^idpid$/, ['dev', 'nhs']],
    [/panel/, panelIds],
    [/agency/, agencyIds],
    [/flagtype/, ['POSSIBLE_DUPLICATE', 'NHS_NUMBER_CONFLICT']],
    [/flag/, flagIds],
    [/notification/, notificationIds],
    [/case/, caseIds],
    [/^userid$/, userIds],
    [/^actorid$/, [...userIds, client.id]],
    [/^resourceid$/, [...caseIds, ...notificationIds]],
    [/^resourcetype$/, ['case', 'notification', 'api_client', 'user']],
    [/^action$/, ['case.read', 'auth.token', 'notification.create', 'access.denied']],
    [/^client_id$/, [client.clientId]],
    [/^scope$/, ['directory:read', 'notifications:write notifications:read', '']],
    [/^nhsnumber$/, [NHS_1, '943 476 5919', NHS_2, nhsNumberFrom(512_334_901)]],
    [/localauthorit|^code$/, ['E10000034', 'E06000019', 'E06000051', 'E09000001']],
    [/relaystate/, ['/v1/me', '/docs', '/v1/cases?status=notified']],
    [/^questionid$/, familyQuestions.map((q) => q.id)],
    [/^reviewid$/, safeguardingReviews.map((r) => r.id)],
    [/^ruleid$/, ['abuse_or_neglect_death', 'inter_agency_concern']],
  ];
  const hints: Hints = {
    idsFor: (name) => {
      if (!name) return [];
      const n = name.toLowerCase();
      return byName.find(([re]) => re.test(n))?.[1] ?? [];
    },
  };
  return { caseWorld: w, caseIds, notificationIds, flagIds, userIds, client, principals, hints };
}
