import type { DataSource } from 'typeorm';
import type { components } from '../../src/generated/openapi';

type NotificationCreate = components['schemas']['NotificationCreate'];

/** A valid NHS number (Modulus 11) from a 9-digit seed. */
export function nhsNumberFrom(seed: number): string {
  for (let s = seed; ; s++) {
    const nine = String(100_000_000 + (s % 899_999_999)).slice(0, 9);
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + String(check === 11 ? 0 : check);
  }
}

export interface Directory {
  panelId: string;
  hospitalId: string;
  gpId: string;
  policeId: string;
}

/** A panel covering Worcestershire, and the agencies a notification names. */
export async function seedDirectory(ds: DataSource): Promise<Directory> {
  const [panel] = await ds.query(`INSERT INTO panels (code, name) VALUES ('WOR', 'Worcestershire CDOP') RETURNING id`);
  await ds.query(`INSERT INTO panel_local_authorities (la_code, panel_id, name, position) VALUES ('E10000034', $1, 'Worcestershire', 0)`, [
    panel.id,
  ]);
  const agency = async (name: string, type: string, ods: string | null) =>
    (await ds.query(`INSERT INTO agencies (name, type, ods_code) VALUES ($1, $2, $3) RETURNING id`, [name, type, ods]))[0].id as string;
  return {
    panelId: panel.id,
    hospitalId: await agency('Worcestershire Acute Hospitals NHS Trust', 'hospital_trust', 'RWP'),
    gpId: await agency('Example Medical Practice', 'gp_practice', 'M81001'),
    policeId: await agency('West Mercia Police', 'police', null),
  };
}

interface ChildOverrides {
  nhsNumber?: string | null;
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  dateOfDeath?: string;
  localAuthority?: string;
}

/** A complete, valid national notification form. */
export function notification(dir: Directory, c: ChildOverrides = {}, notifierAgencyId = dir.hospitalId): NotificationCreate {
  const nhs = c.nhsNumber === undefined ? '943 476 5919' : c.nhsNumber;
  return {
    child: {
      ...(nhs === null ? { nhsNumberExceptionReason: 'nhs_number_not_currently_available' as const } : { nhsNumber: nhs }),
      name: { givenName: c.givenName ?? 'Amelia', familyName: c.familyName ?? 'Hartley' },
      alternativeNames: [],
      dateOfBirth: c.dateOfBirth ?? '2025-03-14',
      sex: 'female',
      ethnicity: 'A',
      address: { lines: ['12 Foregate Street'], town: 'Worcester', postcode: 'WR1 1AA' },
      gpPracticeOdsCode: 'M81001',
      localAuthorityOfResidence: c.localAuthority ?? 'E10000034',
    },
    parentalResponsibility: [{ name: { givenName: 'Sarah', familyName: 'Hartley' }, relationship: 'mother' }],
    death: {
      dateOfDeath: c.dateOfDeath ?? '2026-11-02',
      timeOfDeath: '04:30',
      placeOfDeath: { type: 'emergency_department', detail: 'Worcestershire Royal Hospital' },
      placeOfFatalEvent: { type: 'home' },
      expected: 'unexpected',
      jointAgencyResponse: { triggered: true, reasons: ['sudden_unexplained'] },
      postMortem: 'yes',
      circumstances: 'Found unresponsive in the morning; ambulance called; pronounced dead in the emergency department.',
      suspectedStillbirthAtHome: false,
    },
    alert: { hasConcerns: false },
    agenciesInvolved: [
      { agencyId: dir.hospitalId, contactName: 'Dr A Named', contactEmail: 'safeguarding@nhs.example' },
      { agencyId: dir.gpId },
      { agencyId: dir.policeId, involvement: 'Attended the home' },
    ],
    notifier: { agencyId: notifierAgencyId, name: 'Dr A Named', role: 'Consultant paediatrician' },
    notifiedOn: c.dateOfDeath ?? '2026-11-02',
  };
}
