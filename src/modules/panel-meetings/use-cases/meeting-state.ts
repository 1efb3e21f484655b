import type { Tx } from '../../../platform/db/transaction';
import type { PanelMeetingEntity } from '../entities';
import * as repo from '../panel-meetings.repository';
import type { PanelMeetingView } from '../panel-meetings.types';
import { meetingView } from '../panel-meetings.view';
import { DEFAULT_QUORUM_RULE, evaluateQuorum, type PresentMember, type QuorumRule } from '../quorum.rule';

/** The rule a panel's meetings are held to: its own, or the default while it has set none. */
export async function quorumRuleOf(tx: Tx, panelId: string): Promise<{ rule: QuorumRule; isDefault: boolean }> {
  const row = await repo.findQuorumRule(tx, panelId);
  if (!row) return { rule: DEFAULT_QUORUM_RULE, isDefault: true };
  return {
    rule: {
      chairRequired: row.chair_required,
      capacities: row.capacities,
      minimumPresent: row.minimum_present,
    },
    isDefault: false,
  };
}

export const presentOf = (members: repo.MemberRow[]): PresentMember[] =>
  members.filter((m) => m.attendance === 'present').map((m) => ({ userId: m.user_id, capacity: m.capacity }));

/** The meeting as the API shows it: members, agenda, and the quorum as it stands. */
export async function loadMeetingView(tx: Tx, m: PanelMeetingEntity): Promise<PanelMeetingView> {
  const members = await repo.membersOf(tx, m.id);
  const agenda = await repo.agendaOf(tx, m.id);
  const { rule } = await quorumRuleOf(tx, m.panel_id);
  return meetingView(m, members, agenda, evaluateQuorum(rule, presentOf(members)));
}
