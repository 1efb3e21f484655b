import { HOLD_REASONS, type AgeBand, type CaseStatus, type CaseTimelineRow, type HoldReason } from '../cases';
import { packSections, type FormForPack } from './answers';
import { categoryOf } from './categories';
import type { CasePack, CasePackEvent, CasePackForm } from './case-packs.types';
import { REDACTION_RULE_ID, REDACTION_RULE_VERSION } from './redact';

/** The facts of the case the pack shows (never who the child was). */
interface CaseFacts {
  id: string;
  reference: string | null;
  status: CaseStatus;
  sex: CasePack['sex'];
  expectedDeath: CasePack['expectedDeath'];
  category: number | null;
  ageBand: AgeBand;
}

interface ActorKind {
  roles: readonly string[];
  agencyType: string | null;
}

export interface SubmittedFormForPack extends FormForPack {
  agency_name: string;
  agency_type: string;
  template_id: string;
  template_title: string;
  template_version: number;
  revision: number;
  submitted_at: Date;
}

/** Builds the anonymised pack. Every free text goes through `redact`; nothing identifying is read from the inputs. */
export function packView(input: {
  facts: CaseFacts;
  timeline: readonly CaseTimelineRow[];
  actors: ReadonlyMap<string, ActorKind>;
  forms: readonly SubmittedFormForPack[];
  redact: (text: string) => string;
  now: Date;
}): CasePack {
  const { facts, redact } = input;
  return {
    caseId: facts.id,
    reference: facts.reference,
    classification: 'OFFICIAL-SENSITIVE',
    generatedAt: input.now.toISOString(),
    redaction: { ruleId: REDACTION_RULE_ID, ruleVersion: REDACTION_RULE_VERSION },
    status: facts.status,
    ageBand: facts.ageBand,
    sex: facts.sex,
    expectedDeath: facts.expectedDeath,
    category: categoryOf(facts.category),
    timeline: input.timeline.map((row) => eventView(row, input.actors, redact)),
    agencyForms: input.forms.map((f) => formView(f, redact)),
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

function eventView(row: CaseTimelineRow, actors: ReadonlyMap<string, ActorKind>, redact: (s: string) => string): CasePackEvent {
  const payload = row.payload ?? {};
  const event: CasePackEvent = {
    occurredAt: row.occurred_at.toISOString(),
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actor: actorView(row, actors),
  };
  if ((HOLD_REASONS as readonly string[]).includes(payload.holdReason as string)) event.holdReason = payload.holdReason as HoldReason;
  if (text(payload.templateId)) event.templateId = payload.templateId as string;
  const reason = text(payload.reason);
  if (reason) event.reason = redact(reason);
  const note = text(payload.note);
  if (note) event.note = redact(note);
  return event;
}

function actorView(row: CaseTimelineRow, actors: ReadonlyMap<string, ActorKind>): CasePackEvent['actor'] {
  if (row.actor_type === 'user') {
    const a = row.actor_id ? actors.get(row.actor_id) : undefined;
    return { kind: 'person', role: a?.roles[0] ?? null, agencyType: a?.agencyType ?? null };
  }
  if (row.actor_type === 'client') return { kind: 'agency_system', role: null, agencyType: null };
  return { kind: 'system', role: null, agencyType: null };
}

function formView(f: SubmittedFormForPack, redact: (s: string) => string): CasePackForm {
  return {
    agency: { name: f.agency_name, type: f.agency_type },
    template: { id: f.template_id, title: f.template_title, version: f.template_version },
    revision: f.revision,
    submittedAt: f.submitted_at.toISOString(),
    sections: packSections(f, redact),
  };
}
