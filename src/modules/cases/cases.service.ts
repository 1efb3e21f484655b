import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Tx } from '../../platform/db/transaction';
import type { Page } from '../../platform/http/pagination';
import type { CaseActionRequest } from './case-workflow';
import type { CaseChangeListener } from './case-changes';
import type { ChangeActor } from './case-changes';
import { runListeners } from './use-cases/case-change-hook';
import type { CaseClosurePort, CaseFormsPort, CaseNotificationsPort, CaseSafeguardingPort } from './cases.ports';
import * as cases from './cases.repository';
import type {
  CaseHistoryEntry,
  CaseListQuery,
  CaseNotificationView,
  CaseSummary,
  CaseTransferListQuery,
  CaseTransferRequest,
  CaseTransferView,
  CaseUpdate,
  CaseView,
} from './cases.types';
import { DEFAULT_DEADLINE_RULES, type DeadlineRule } from './clocks';
import { actOnCase } from './use-cases/act-on-case';
import type { CasesDeps } from './use-cases/case-command';
import { caseHistory, caseNotifications } from './use-cases/case-history';
import { casesForForms, type CasesForForms } from './use-cases/forms-support';
import { getCase } from './use-cases/get-case';
import { casesForPanels, type CasesForPanels } from './use-cases/panel-support';
import { listCases } from './use-cases/list-cases';
import {
  attachNotification,
  createFromNotification,
  type CaseFromNotification,
  type NotificationForCase,
  type PlacedNotification,
} from './use-cases/open-case';
import { listTransfers } from './use-cases/list-transfers';
import { transferCase } from './use-cases/transfer-case';
import { updateCase } from './use-cases/update-case';

type PageQuery = { after?: (string | number)[]; limit: number };

/** The cases module's use cases, for its routes (one file each under use-cases/). */
export interface CasesService {
  list(p: Principal, q: CaseListQuery & { after?: (string | number)[] }): Promise<Page<CaseSummary>>;
  get(p: Principal, id: string): Promise<CaseView>;
  /** Null when the change took the case out of what the caller may see. */
  update(p: Principal, id: string, version: number, patch: CaseUpdate): Promise<CaseView | null>;
  act(p: Principal, id: string, req: CaseActionRequest): Promise<CaseView>;
  history(p: Principal, id: string, q: PageQuery): Promise<Page<CaseHistoryEntry>>;
  notifications(p: Principal, id: string, q: PageQuery): Promise<Page<CaseNotificationView>>;
  transfer(p: Principal, id: string, req: CaseTransferRequest): Promise<CaseTransferView>;
  transfers(p: Principal, q: CaseTransferListQuery & { after?: (string | number)[] }): Promise<Page<CaseTransferView>>;
}

/**
 * What the notification intake asks of the cases module, inside the intake's
 * own transaction (see use-cases/open-case.ts).
 */
export interface CasesIntake {
  /** The case holding an NHS number, and the cases whose child was born and died on the given dates. */
  findOnRecord: typeof cases.findOnRecord;
  findOnRecordById: typeof cases.findOnRecordById;
  createFromNotification(tx: Tx, input: CaseFromNotification): Promise<PlacedNotification>;
  attachNotification(tx: Tx, input: NotificationForCase): Promise<PlacedNotification>;
  /** Once the notification itself is written: runs the case-change listeners (the SCR rules read the notification). */
  notificationRecorded(tx: Tx, actor: ChangeActor, placed: PlacedNotification, notificationId: string): Promise<void>;
}

interface CasesServiceOptions {
  rules?: readonly DeadlineRule[];
  now?: () => Date;
  /** The notifications module's side of a case (app.ts wires it). */
  notifications: CaseNotificationsPort;
  /** The agency-forms module's side: requests still outstanding (app.ts wires it). */
  forms?: CaseFormsPort;
  /** The modules that can hold a closure back: panel-reviews, scr-triggers (app.ts wires them). */
  closure?: readonly CaseClosurePort[];
  /** The scr-triggers module's side: the SCR flags a case's view lists (app.ts wires it). */
  safeguarding?: CaseSafeguardingPort;
  /** What runs inside the transaction of every change another module makes to a case (case-changes.ts). */
  listeners?: readonly CaseChangeListener[];
}

export function createCasesService(
  ds: DataSource,
  opts: CasesServiceOptions,
): CasesService & { intake: CasesIntake; forms: CasesForForms; panels: CasesForPanels } {
  const deps: CasesDeps = {
    ds,
    rules: opts.rules ?? DEFAULT_DEADLINE_RULES,
    now: opts.now ?? (() => new Date()),
    notifications: opts.notifications,
    forms: opts.forms,
    closure: opts.closure ?? [],
    listeners: opts.listeners ?? [],
    safeguarding: opts.safeguarding,
  };
  return {
    list: (p, q) => listCases(deps, p, q),
    get: (p, id) => getCase(deps, p, id),
    update: (p, id, version, patch) => updateCase(deps, p, id, version, patch),
    act: (p, id, req) => actOnCase(deps, p, id, req),
    history: (p, id, q) => caseHistory(deps, p, id, q),
    notifications: (p, id, q) => caseNotifications(deps, p, id, q),
    transfer: (p, id, req) => transferCase(deps, p, id, req),
    transfers: (p, q) => listTransfers(deps, p, q),
    intake: {
      findOnRecord: cases.findOnRecord,
      findOnRecordById: cases.findOnRecordById,
      createFromNotification: (tx, input) => createFromNotification(deps.rules, tx, input),
      attachNotification,
      notificationRecorded: (tx, actor, placed, notificationId) =>
        runListeners(deps, tx, actor, { kind: 'notification_recorded', caseId: placed.caseId, notificationId }, placed.state, deps.now()),
    },
    forms: casesForForms(deps),
    panels: casesForPanels(deps),
  };
}
