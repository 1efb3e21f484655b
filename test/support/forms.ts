import request from 'supertest';
import type { Express } from 'express';
import { as, principal } from './principals';

/** A small local template (the shape of the contract's example), for tests that need a form of their own. */
export const LOCAL_TEMPLATE = {
  id: 'school-attendance',
  kind: 'supplementary' as const,
  title: 'School attendance and needs (local)',
  description: 'Asked of the child’s school when the panel needs more than the reporting form gives.',
  effectiveFrom: '2026-04-01',
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['attendanceConcerns', 'lastAttendedOn', 'senSupport', 'notes'],
    properties: {
      attendanceConcerns: { enum: ['yes', 'no', 'not_known'] },
      lastAttendedOn: { oneOf: [{ type: 'string', format: 'date' }, { enum: ['not_known', 'not_applicable'] }] },
      senSupport: { enum: ['yes', 'no', 'not_known'] },
      notes: { type: 'string', maxLength: 200 },
    },
    additionalProperties: false,
  },
  display: {
    sections: [
      {
        id: 'attendance',
        title: 'Attendance',
        fields: [
          { pointer: '/attendanceConcerns', label: 'Were there concerns about attendance?' },
          { pointer: '/lastAttendedOn', label: 'Date last attended' },
        ],
      },
      {
        id: 'needs',
        title: 'Needs',
        fields: [
          { pointer: '/senSupport', label: 'SEN support or an EHC plan?' },
          { pointer: '/notes', label: 'Anything else' },
        ],
      },
    ],
  },
};

export const COMPLETE_LOCAL_ANSWERS = { attendanceConcerns: 'no', lastAttendedOn: '2026-10-30', senSupport: 'not_known', notes: 'None.' };

export const administrator = () => as(principal('administrator'));

/** Creates and publishes LOCAL_TEMPLATE (version 1) through the API, as an administrator. */
export async function publishLocalTemplate(app: Express): Promise<void> {
  const created = await request(app).post('/v1/form-templates').set(administrator()).send(LOCAL_TEMPLATE);
  if (created.status !== 201) throw new Error(`template not created: ${created.status} ${JSON.stringify(created.body)}`);
  const published = await request(app).post(`/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1/publish`).set(administrator());
  if (published.status !== 200) throw new Error(`template not published: ${published.status}`);
}
