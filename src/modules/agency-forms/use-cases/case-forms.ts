import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import * as requests from '../agency-forms.repository';
import { caseNotFound } from '../agency-forms.errors';
import type { CaseFormsView } from '../agency-forms.types';
import { requestView } from '../agency-forms.view';
import { caseFactsFromNotification, suggestForms } from '../catalogue';
import * as templates from '../templates.repository';
import { runFormsCommand, todayOf, type AgencyFormsDeps } from './deps';

/** More requests than any case has (a case has a handful of agencies, each a few forms). */
const MAX_REQUESTS_SHOWN = 500;
const MAX_NOTIFICATIONS_READ = 100;

/**
 * GET /v1/cases/{caseId}/forms: the case's information state for its
 * coordinators: every request, the counts, and the suggested requests not yet
 * made. Suggestions come from the notifications (catalogue/suggest.ts): the
 * reporting form from every agency on the case, and the supplementary forms
 * the circumstances call for from the agencies that notified the death (they
 * were there); only forms with a published version; a coordinator confirms.
 */
export function caseForms(deps: AgencyFormsDeps, p: Principal, caseId: string): Promise<CaseFormsView> {
  const today = todayOf(deps);
  return runFormsCommand(deps, 'case.forms.read', { type: 'case', id: caseId }, async (tx) => {
    if (!(await deps.cases.forCoordinator(tx, p, caseId))) throw caseNotFound();
    const rows = await requests.listRequests(tx, p, { caseId, today, limit: MAX_REQUESTS_SHOWN });
    const views = rows.slice(0, MAX_REQUESTS_SHOWN).map((r) => requestView(r, today));
    const count = (f: (v: (typeof views)[number]) => boolean) => views.filter(f).length;

    const notifications = await deps.notifications.listOfCase(tx, p, caseId, { limit: MAX_NOTIFICATIONS_READ, withForm: true });
    const notifiers = new Set(notifications.map((n) => n.notifier_agency_id));
    const suggested = new Map<string, string>();
    for (const n of notifications) {
      if (!n.payload) continue;
      for (const s of suggestForms(caseFactsFromNotification(n.payload as never)))
        if (!suggested.has(s.key)) suggested.set(s.key, s.reason);
    }
    const live = await requests.liveRequestKeys(tx, caseId);
    const available = new Map<string, string>();
    for (const key of suggested.keys()) {
      const v = await templates.currentVersion(tx, key);
      if (v) available.set(key, v.title);
    }
    const suggestions: CaseFormsView['suggestions'] = [];
    for (const a of await requests.agenciesOfCase(tx, caseId)) {
      for (const [key, reason] of suggested) {
        const title = available.get(key);
        if (!title || live.has(`${a.id}/${key}`)) continue;
        if (key !== 'reporting' && !notifiers.has(a.id)) continue;
        suggestions.push({ agency: { id: a.id, name: a.name, odsCode: a.ods_code }, templateId: key, title, reason });
      }
    }
    await audit(tx, {
      action: 'case.forms.read',
      resourceType: 'case',
      resourceId: caseId,
      details: { requests: views.length, suggestions: suggestions.length },
    });
    return {
      caseId,
      counts: {
        outstanding: count((v) => v.status === 'requested'),
        overdue: count((v) => v.overdue),
        submitted: count((v) => v.status === 'submitted'),
        waived: count((v) => v.status === 'waived'),
        withdrawn: count((v) => v.status === 'withdrawn'),
      },
      requests: views,
      suggestions,
    };
  });
}
