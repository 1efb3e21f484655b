import { In } from 'typeorm';
import type { Tx } from '../../platform/db/transaction';
import { PG_UNIQUE_VIOLATION, pgErrorOf } from '../../platform/db/sql';
import { UserEntity } from '../users';
import {
  CaseRecusalEntity,
  CaseReviewMeetingEntity,
  PanelMeetingAgendaItemEntity,
  PanelMeetingEntity,
  PanelMeetingMemberEntity,
  PanelQuorumRuleEntity,
  type Attendance,
} from './entities';

/** The panel-meetings module's SQL: its own tables, reading users and cases in joins for names and references. */

export const isUniqueViolation = (err: unknown) => pgErrorOf(err)?.code === PG_UNIQUE_VIOLATION;

// ---- quorum rules
export const findQuorumRule = (tx: Tx, panelId: string) => tx.findOneBy(PanelQuorumRuleEntity, { panel_id: panelId });

export async function saveQuorumRule(tx: Tx, row: Omit<PanelQuorumRuleEntity, 'updated_at' | 'version'>): Promise<void> {
  await tx.query(
    `INSERT INTO panel_quorum_rules (panel_id, chair_required, capacities, minimum_present, updated_by_type, updated_by_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (panel_id) DO UPDATE SET chair_required = EXCLUDED.chair_required, capacities = EXCLUDED.capacities,
       minimum_present = EXCLUDED.minimum_present, updated_by_type = EXCLUDED.updated_by_type, updated_by_id = EXCLUDED.updated_by_id,
       updated_at = now(), version = panel_quorum_rules.version + 1`,
    [row.panel_id, row.chair_required, JSON.stringify(row.capacities), row.minimum_present, row.updated_by_type, row.updated_by_id],
  );
}

// ---- meetings
export async function insertMeeting(
  tx: Tx,
  row: Pick<
    PanelMeetingEntity,
    'panel_id' | 'title' | 'starts_at' | 'location' | 'online' | 'joining_link' | 'created_by_type' | 'created_by_id'
  >,
): Promise<PanelMeetingEntity> {
  const saved = await tx.save(PanelMeetingEntity, tx.create(PanelMeetingEntity, row));
  return (await findMeeting(tx, saved.id))!;
}

export async function findMeeting(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<PanelMeetingEntity | null> {
  const qb = tx.createQueryBuilder(PanelMeetingEntity, 'm').where('m.id = :id', { id });
  if (opts.lock) qb.setLock('pessimistic_write');
  return qb.getOne();
}

export async function listMeetings(
  tx: Tx,
  q: { panels: string[]; panelId?: string; from?: string; to?: string; after?: { startsAt: string; id: string }; limit: number },
): Promise<PanelMeetingEntity[]> {
  const qb = tx
    .createQueryBuilder(PanelMeetingEntity, 'm')
    .where('m.panel_id = ANY(:panels::uuid[])', { panels: q.panels })
    .orderBy('m.starts_at')
    .addOrderBy('m.id')
    .limit(q.limit + 1);
  if (q.panelId) qb.andWhere('m.panel_id = :panelId', { panelId: q.panelId });
  if (q.from) qb.andWhere('m.starts_at >= :from', { from: q.from });
  if (q.to) qb.andWhere('m.starts_at < :to', { to: q.to });
  if (q.after)
    qb.andWhere('(m.starts_at, m.id) > (:afterAt::timestamptz, :afterId::uuid)', { afterAt: q.after.startsAt, afterId: q.after.id });
  return qb.getMany();
}

/** Changes the meeting and moves its version on (the ETag); returns the row as it is now. */
export async function updateMeeting(tx: Tx, id: string, patch: Partial<PanelMeetingEntity>): Promise<PanelMeetingEntity> {
  await tx
    .createQueryBuilder()
    .update(PanelMeetingEntity)
    .set({ ...patch, version: () => 'version + 1' })
    .where('id = :id', { id })
    .execute();
  return (await findMeeting(tx, id))!;
}

// ---- members
export interface MemberRow extends PanelMeetingMemberEntity {
  display_name: string | null;
}

export async function membersOf(tx: Tx, meetingId: string): Promise<MemberRow[]> {
  const rows = await tx
    .createQueryBuilder(PanelMeetingMemberEntity, 'mm')
    .leftJoin(UserEntity, 'u', 'u.id = mm.user_id')
    .addSelect('u.display_name', 'display_name')
    .where('mm.meeting_id = :meetingId', { meetingId })
    .orderBy('mm.invited_at')
    .addOrderBy('mm.user_id')
    .getRawAndEntities();
  return rows.entities.map((e, i) => ({ ...e, display_name: (rows.raw[i] as { display_name: string | null }).display_name }));
}

export const findMember = (tx: Tx, meetingId: string, userId: string) =>
  tx.findOneBy(PanelMeetingMemberEntity, { meeting_id: meetingId, user_id: userId });

export async function insertMember(tx: Tx, row: Pick<PanelMeetingMemberEntity, 'meeting_id' | 'user_id' | 'capacity'>): Promise<void> {
  await tx.insert(PanelMeetingMemberEntity, row);
}

export async function setAttendance(tx: Tx, meetingId: string, userId: string, attendance: Attendance, at: Date): Promise<void> {
  await tx.update(PanelMeetingMemberEntity, { meeting_id: meetingId, user_id: userId }, { attendance, attendance_recorded_at: at });
}

export const findUser = (tx: Tx, id: string) => tx.findOneBy(UserEntity, { id });

// ---- agenda
export interface AgendaRow extends PanelMeetingAgendaItemEntity {
  case_reference: string | null;
}

/** The agenda as shown: scheduled and reviewed items, oldest first (removed ones left out). */
export async function agendaOf(tx: Tx, meetingId: string): Promise<AgendaRow[]> {
  return tx.query(
    `SELECT a.*, c.reference AS case_reference FROM panel_meeting_agenda_items a JOIN cases c ON c.id = a.case_id
      WHERE a.meeting_id = $1 AND a.status <> 'removed' ORDER BY a.added_at, a.id`,
    [meetingId],
  );
}

export async function findAgendaItem(tx: Tx, meetingId: string, caseId: string, status: 'scheduled' | 'reviewed' | 'any' = 'scheduled') {
  return tx.findOne(PanelMeetingAgendaItemEntity, {
    where: { meeting_id: meetingId, case_id: caseId, ...(status === 'any' ? { status: In(['scheduled', 'reviewed']) } : { status }) },
    order: { added_at: 'DESC' },
  });
}

export async function insertAgendaItem(
  tx: Tx,
  row: Pick<PanelMeetingAgendaItemEntity, 'meeting_id' | 'case_id' | 'added_by_id'>,
): Promise<void> {
  await tx.insert(PanelMeetingAgendaItemEntity, row);
}

export async function removeAgendaItem(tx: Tx, id: string, by: string, reason: string | null, at: Date): Promise<void> {
  await tx.update(PanelMeetingAgendaItemEntity, { id }, { status: 'removed', removed_at: at, removed_by_id: by, removed_reason: reason });
}

export async function markReviewed(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.update(PanelMeetingAgendaItemEntity, { id }, { status: 'reviewed', reviewed_at: at });
}

export const scheduledItemsOf = (tx: Tx, meetingId: string) =>
  tx.find(PanelMeetingAgendaItemEntity, { where: { meeting_id: meetingId, status: 'scheduled' }, order: { added_at: 'ASC', id: 'ASC' } });

// ---- recusals
interface RecusalRow extends CaseRecusalEntity {
  display_name: string | null;
}

export async function insertRecusal(
  tx: Tx,
  row: Pick<CaseRecusalEntity, 'case_id' | 'user_id' | 'reason' | 'recorded_by_type' | 'recorded_by_id'>,
): Promise<RecusalRow> {
  const saved = await tx.save(CaseRecusalEntity, tx.create(CaseRecusalEntity, row));
  return (await recusalsOf(tx, row.case_id)).find((r) => r.id === saved.id)!;
}

export async function recusalsOf(tx: Tx, caseId: string): Promise<RecusalRow[]> {
  return tx.query(
    `SELECT r.*, u.display_name FROM case_recusals r LEFT JOIN users u ON u.id = r.user_id
      WHERE r.case_id = $1 ORDER BY r.declared_at, r.id`,
    [caseId],
  );
}

export async function recusedUserIds(tx: Tx, caseId: string): Promise<string[]> {
  const rows = await tx.find(CaseRecusalEntity, { where: { case_id: caseId }, select: { user_id: true } });
  return rows.map((r) => r.user_id);
}

export async function isRecused(tx: Tx, caseId: string, userId: string): Promise<boolean> {
  return tx.existsBy(CaseRecusalEntity, { case_id: caseId, user_id: userId });
}

// ---- review meetings (CDRM)
export async function insertReviewMeeting(
  tx: Tx,
  row: Omit<CaseReviewMeetingEntity, 'id' | 'recorded_at'>,
): Promise<CaseReviewMeetingEntity> {
  const saved = await tx.save(CaseReviewMeetingEntity, tx.create(CaseReviewMeetingEntity, row));
  return (await tx.findOneBy(CaseReviewMeetingEntity, { id: saved.id }))!;
}

export const reviewMeetingsOf = (tx: Tx, caseId: string) =>
  tx.find(CaseReviewMeetingEntity, { where: { case_id: caseId }, order: { held_on: 'ASC', recorded_at: 'ASC', id: 'ASC' } });
