import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { seedCaseWorld, type CaseWorld } from '../../support/cases';
import { auditActions, scheduleMeeting, seedPerson, type PanelPerson } from '../../support/meetings';
import { as, principal } from '../../support/principals';

// Who may do what with panel meetings and quorum rules:
// - CDOP coordinators of the panel: read and set its quorum rule; schedule, change and cancel its meetings; invite
//   members and record attendance (meetings:write);
// - panel chairs and members of the panel: read its quorum rule and its meetings (meetings:read), change nothing (403);
// - anyone of another panel: the panel and its meetings do not exist (404);
// - agency staff, auditors, administrators: 403; anonymous: 401.

let t: TestApp;
let w: CaseWorld;
let coordinator: PanelPerson;
let chair: PanelPerson;
let health: PanelPerson;
let police: PanelPerson;
let social: PanelPerson;
let publicHealth: PanelPerson;
let otherCoordinator: PanelPerson;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  w = await seedCaseWorld(t.ds);
  const wor = [w.panels.wor.id];
  coordinator = await seedPerson(t.ds, 'cdop_coordinator', wor, 'Casey Coordinator');
  chair = await seedPerson(t.ds, 'panel_chair', wor, 'Dr Jo Chair');
  health = await seedPerson(t.ds, 'panel_member', wor, 'Dr Hal Health');
  police = await seedPerson(t.ds, 'panel_member', wor, 'DS Sam Police');
  social = await seedPerson(t.ds, 'panel_member', wor, 'Sol Social');
  publicHealth = await seedPerson(t.ds, 'panel_member', wor, 'Pat Public');
  otherCoordinator = await seedPerson(t.ds, 'cdop_coordinator', [w.panels.her.id], 'Hera Coordinator');
});

const meetingUrl = (id: string) => `/v1/panel-meetings/${id}`;

describe('quorum rules', () => {
  it('when a panel has set none, then the default applies: chair, health, police, social care, public health, 5 present', async () => {
    const res = await request(t.app).get(`/v1/panels/${w.panels.wor.id}/quorum`).set(chair.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      panelId: w.panels.wor.id,
      chairRequired: true,
      capacities: { health: 1, police: 1, social_care: 1, public_health: 1 },
      minimumPresent: 5,
      isDefault: true,
      ruleId: 'panel_meeting.quorum',
      ruleVersion: 1,
    });
  });

  it('when a coordinator sets the rule, then it is the panel’s own, audited; a member may not set it (403)', async () => {
    const body = { chairRequired: false, capacities: { designated_doctor: 1, police: 2, education: 0 }, minimumPresent: 3 };
    const res = await request(t.app).put(`/v1/panels/${w.panels.wor.id}/quorum`).set(coordinator.headers).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      chairRequired: false,
      capacities: { designated_doctor: 1, police: 2 },
      minimumPresent: 3,
      isDefault: false,
    });
    expect((await request(t.app).get(`/v1/panels/${w.panels.wor.id}/quorum`).set(police.headers)).body.isDefault).toBe(false);
    expect(await auditActions(t.ds, w.panels.wor.id)).toEqual(['panel.quorum.update', 'panel.quorum.read']);
    expect((await request(t.app).put(`/v1/panels/${w.panels.wor.id}/quorum`).set(police.headers).send(body)).status).toBe(403);
  });

  it('when another panel’s coordinator reads or sets the rule, then 404', async () => {
    const url = `/v1/panels/${w.panels.wor.id}/quorum`;
    expect((await request(t.app).get(url).set(otherCoordinator.headers)).status).toBe(404);
    const put = await request(t.app)
      .put(url)
      .set(otherCoordinator.headers)
      .send({ chairRequired: true, capacities: {}, minimumPresent: 1 });
    expect(put.status).toBe(404);
    expect(put.body.code).toBe('PANEL.NOT_FOUND');
  });
});

describe('scheduling and changing a meeting', () => {
  it('when a coordinator schedules an online meeting, then 201 with Location, ETag, no members, an empty agenda and the quorum missing everything', async () => {
    const res = await request(t.app)
      .post('/v1/panel-meetings')
      .set(coordinator.headers)
      .send({ panelId: w.panels.wor.id, startsAt: '2027-01-14T14:00:00Z', online: true, joiningLink: 'https://meet.example.nhs.uk/j/1' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/panel-meetings/${res.body.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      panelId: w.panels.wor.id,
      status: 'scheduled',
      online: true,
      location: null,
      title: null,
      members: [],
      agenda: [],
      quorum: { met: false },
    });
    expect(res.body.quorum.missing).toContain('the chair');
    expect(await auditActions(t.ds, res.body.id)).toEqual(['panel_meeting.schedule']);
  });

  it('when a panel member or chair tries to schedule, then 403 and nothing is written', async () => {
    for (const who of [police, chair]) {
      const res = await request(t.app)
        .post('/v1/panel-meetings')
        .set(who.headers)
        .send({ panelId: w.panels.wor.id, startsAt: '2027-01-14T14:00:00Z', location: 'Room 1' });
      expect(res.status).toBe(403);
    }
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM panel_meetings`))[0].n).toBe(0);
  });

  it('when the place is both or neither of a location and online, then 400 naming the field', async () => {
    const post = (over: object) =>
      request(t.app)
        .post('/v1/panel-meetings')
        .set(coordinator.headers)
        .send({ panelId: w.panels.wor.id, startsAt: '2027-01-14T14:00:00Z', ...over });
    const neither = await post({});
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].field).toBe('body.location');
    const both = await post({ location: 'Room 1', online: true });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('MEETING.PLACE_INVALID');
    const linkWithRoom = await post({ location: 'Room 1', joiningLink: 'https://meet.example.nhs.uk/j/1' });
    expect(linkWithRoom.body.errors[0].field).toBe('body.joiningLink');
  });

  it('when a coordinator schedules for another panel, then 404', async () => {
    const res = await request(t.app)
      .post('/v1/panel-meetings')
      .set(otherCoordinator.headers)
      .send({ panelId: w.panels.wor.id, startsAt: '2027-01-14T14:00:00Z', location: 'Room 1' });
    expect(res.status).toBe(404);
  });

  it('when a meeting is changed with the right If-Match, then 200 and a new ETag; stale 412, none 428', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const body = { startsAt: '2027-01-15T10:00:00Z', online: true };
    expect((await request(t.app).put(meetingUrl(m.id)).set(coordinator.headers).send(body)).status).toBe(428);
    const ok = await request(t.app).put(meetingUrl(m.id)).set(coordinator.headers).set('If-Match', '"v1"').send(body);
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"v2"');
    expect(ok.body).toMatchObject({ startsAt: '2027-01-15T10:00:00.000Z', online: true, location: null, title: null });
    const stale = await request(t.app).put(meetingUrl(m.id)).set(coordinator.headers).set('If-Match', '"v1"').send(body);
    expect(stale.status).toBe(412);
  });

  it('when a meeting is cancelled, then it can no longer be changed or cancelled again (409), and takes no members', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const cancelled = await request(t.app)
      .post(`${meetingUrl(m.id)}/cancel`)
      .set(coordinator.headers)
      .send({ reason: 'Chair unavailable' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledReason: 'Chair unavailable' });
    const again = await request(t.app)
      .post(`${meetingUrl(m.id)}/cancel`)
      .set(coordinator.headers)
      .send({ reason: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MEETING.NOT_SCHEDULED');
    const change = await request(t.app)
      .put(meetingUrl(m.id))
      .set(coordinator.headers)
      .set('If-Match', cancelled.headers.etag as string)
      .send({ startsAt: '2027-01-15T10:00:00Z', location: 'Room 3' });
    expect(change.status).toBe(409);
    const invite = await request(t.app)
      .post(`${meetingUrl(m.id)}/members`)
      .set(coordinator.headers)
      .send({ userId: chair.id, capacity: 'chair' });
    expect(invite.status).toBe(409);
    expect(invite.body.code).toBe('MEETING.CANCELLED');
    expect(await auditActions(t.ds, m.id)).toEqual(['panel_meeting.schedule', 'panel_meeting.cancel']);
  });
});

describe('reading meetings', () => {
  it('when members of the panel list and read meetings, then they see their panels’ only, filtered and paged', async () => {
    const a = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id, { startsAt: '2027-01-14T14:00:00Z' });
    const b = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id, { startsAt: '2027-02-11T14:00:00Z' });
    const c = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id, { startsAt: '2027-03-11T14:00:00Z' });
    const her = await scheduleMeeting(t.app, otherCoordinator.headers, w.panels.her.id);
    const first = await request(t.app).get('/v1/panel-meetings?limit=2').set(police.headers);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([a.id, b.id]);
    const next = await request(t.app).get(`/v1/panel-meetings?limit=2&cursor=${first.body.nextCursor}`).set(police.headers);
    expect(next.body).toEqual({ items: [expect.objectContaining({ id: c.id })], nextCursor: null });
    const ranged = await request(t.app)
      .get('/v1/panel-meetings')
      .query({ from: '2027-02-01T00:00:00Z', to: '2027-03-01T00:00:00Z' })
      .set(chair.headers);
    expect(ranged.body.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
    const otherPanel = await request(t.app).get(`/v1/panel-meetings?panelId=${w.panels.her.id}`).set(police.headers);
    expect(otherPanel.body.items).toEqual([]);
    expect((await request(t.app).get(meetingUrl(her.id)).set(police.headers)).status).toBe(404);
    const read = await request(t.app).get(meetingUrl(a.id)).set(police.headers);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"v1"');
  });

  it('when agency staff or an auditor asks, then 403; anonymous 401', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    expect(
      (
        await request(t.app)
          .get(meetingUrl(m.id))
          .set(as(principal('agency_contributor', { agencyId: w.agencies.hospital })))
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.app)
          .get('/v1/panel-meetings')
          .set(as(principal('auditor')))
      ).status,
    ).toBe(403);
    expect((await request(t.app).get('/v1/panel-meetings')).status).toBe(401);
  });
});

describe('members, attendance and the quorum', () => {
  async function invite(meetingId: string, who: PanelPerson, capacity: string) {
    return request(t.app)
      .post(`${meetingUrl(meetingId)}/members`)
      .set(coordinator.headers)
      .send({ userId: who.id, capacity });
  }
  const attend = (meetingId: string, who: PanelPerson, attended: string) =>
    request(t.app)
      .put(`${meetingUrl(meetingId)}/members/${who.id}/attendance`)
      .set(coordinator.headers)
      .send({ attended });

  it('when five members in the right capacities are recorded present, then the meeting is held and quorate', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const invited = await invite(m.id, chair, 'chair');
    expect(invited.status).toBe(200);
    expect(invited.body.members).toEqual([{ userId: chair.id, displayName: 'Dr Jo Chair', capacity: 'chair', attendance: null }]);
    for (const [who, cap] of [
      [health, 'health'],
      [police, 'police'],
      [social, 'social_care'],
      [publicHealth, 'public_health'],
    ] as const)
      expect((await invite(m.id, who, cap)).status).toBe(200);
    const apologies = await attend(m.id, police, 'apologies');
    expect(apologies.body.status).toBe('scheduled');
    const firstPresent = await attend(m.id, chair, 'present');
    expect(firstPresent.body.status).toBe('held');
    for (const who of [health, social, publicHealth]) await attend(m.id, who, 'present');
    const partial = await request(t.app).get(meetingUrl(m.id)).set(police.headers);
    expect(partial.body.quorum).toEqual({ met: false, missing: ['a member for police', 'at least 5 members present (4 are)'] });
    const full = await attend(m.id, police, 'present');
    expect(full.status).toBe(200);
    expect(full.body.quorum).toEqual({ met: true, missing: [] });
    expect(full.body.members.find((x: { userId: string }) => x.userId === police.id)).toMatchObject({
      capacity: 'police',
      attendance: 'present',
    });
    const actions = await auditActions(t.ds, m.id);
    expect(actions.filter((a) => a === 'panel_meeting.member.invite')).toHaveLength(5);
    expect(actions.filter((a) => a === 'panel_meeting.attendance.record')).toHaveLength(6);
  });

  it('when the person is not on the panel, a member is invited as chair, or someone is invited twice, then refused and nothing added', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const outsider = await invite(m.id, otherCoordinator, 'other');
    expect(outsider.status).toBe(400);
    expect(outsider.body).toMatchObject({ code: 'MEETING.NOT_A_PANEL_MEMBER', errors: [{ field: 'body.userId' }] });
    const notChair = await invite(m.id, police, 'chair');
    expect(notChair.status).toBe(400);
    expect(notChair.body.code).toBe('MEETING.CAPACITY_NOT_HELD');
    expect((await invite(m.id, police, 'police')).status).toBe(200);
    const twice = await invite(m.id, police, 'other');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('MEETING.MEMBER_EXISTS');
    expect((await invite(m.id, coordinator, 'other')).status).toBe(200);
    const view = await request(t.app).get(meetingUrl(m.id)).set(coordinator.headers);
    expect(view.body.members.map((x: { userId: string }) => x.userId)).toEqual([police.id, coordinator.id]);
  });

  it('when attendance is recorded for someone not invited, then 404; by a panel member, then 403', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const res = await attend(m.id, police, 'present');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('MEETING.MEMBER_NOT_FOUND');
    await invite(m.id, police, 'police');
    const byMember = await request(t.app)
      .put(`${meetingUrl(m.id)}/members/${police.id}/attendance`)
      .set(police.headers)
      .send({ attended: 'present' });
    expect(byMember.status).toBe(403);
  });

  it('when the panel’s own rule is set, then the meeting’s quorum follows it', async () => {
    await request(t.app)
      .put(`/v1/panels/${w.panels.wor.id}/quorum`)
      .set(coordinator.headers)
      .send({ chairRequired: false, capacities: { police: 1 }, minimumPresent: 1 });
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    await invite(m.id, police, 'police');
    const res = await attend(m.id, police, 'present');
    expect(res.body.quorum).toEqual({ met: true, missing: [] });
  });
});
