import { findPanelRef } from '../../directory';
import {
  ANALYSIS_TEMPLATES,
  DEFAULT_ANALYSIS_TEMPLATE_ID,
  findAnalysisTemplate,
  latestAnalysisTemplate,
  type AnalysisTemplate,
} from '../analysis-templates';
import { categoriesOfDeath } from '../categories-of-death';
import * as repo from '../panel-reviews.repository';
import { panelNotFound, unknownTemplate } from '../panel-reviews.errors';
import type { AnalysisTemplateList, ReviewSettingsUpdate, ReviewSettingsView } from '../panel-reviews.types';
import { templateView } from '../panel-reviews.view';
import { audit, runReviewCommand, type PanelReviewsDeps, type Principal, type Tx } from './deps';

/** GET /v1/analysis-templates: the templates in code, every version, and the categories of death. */
export function listTemplates(): AnalysisTemplateList {
  return {
    items: ANALYSIS_TEMPLATES.map(templateView),
    categoriesOfDeath: categoriesOfDeath(),
  };
}

/** The template a panel's new reviews (and new revisions) are written on: its setting, or the latest 2018 form. */
export async function panelTemplate(tx: Tx, panelId: string | null): Promise<AnalysisTemplate> {
  const s = panelId ? await repo.findSetting(tx, panelId) : undefined;
  const t = s ? findAnalysisTemplate(s.template_id, s.template_version) : undefined;
  return t ?? latestAnalysisTemplate(DEFAULT_ANALYSIS_TEMPLATE_ID)!;
}

// The panel's coordinators, chairs and members: their own panels only (another panel does not exist for them).
const ownPanel = (p: Principal, panelId: string) => p.panelIds.some((id) => id.toLowerCase() === panelId.toLowerCase());

async function settingsView(tx: Tx, panelId: string): Promise<ReviewSettingsView> {
  const s = await repo.findSetting(tx, panelId);
  return {
    panelId,
    template: templateView(await panelTemplate(tx, panelId)),
    isDefault: !s,
    updatedAt: s ? s.updated_at.toISOString() : null,
  };
}

export function getSettings(deps: PanelReviewsDeps, p: Principal, panelId: string): Promise<ReviewSettingsView> {
  return runReviewCommand(deps, 'panel.review_settings.read', { type: 'panel', id: panelId }, async (tx) => {
    if (!ownPanel(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    return settingsView(tx, panelId);
  });
}

/** PUT /v1/panels/{panelId}/review-settings: the panel's coordinators choose the template; audited. */
export function updateSettings(
  deps: PanelReviewsDeps,
  p: Principal,
  panelId: string,
  body: ReviewSettingsUpdate,
): Promise<ReviewSettingsView> {
  return runReviewCommand(deps, 'panel.review_settings.updated', { type: 'panel', id: panelId }, async (tx) => {
    if (!ownPanel(p, panelId) || !(await findPanelRef(tx, panelId))) throw panelNotFound();
    const t =
      body.templateVersion === undefined
        ? latestAnalysisTemplate(body.templateId)
        : findAnalysisTemplate(body.templateId, body.templateVersion);
    if (!t) throw unknownTemplate();
    await repo.saveSetting(tx, { panel_id: panelId, template_id: t.id, template_version: t.version, updated_by: p.id });
    await audit(tx, {
      action: 'panel.review_settings.updated',
      resourceType: 'panel',
      resourceId: panelId,
      details: { templateId: t.id, templateVersion: t.version },
    });
    return settingsView(tx, panelId);
  });
}
