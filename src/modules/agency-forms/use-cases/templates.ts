import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import {
  draftExists,
  templateExists,
  templateInvalid,
  templateNotFound,
  versionNotFound,
  versionNotInStatus,
} from '../agency-forms.errors';
import type { FormTemplateCreate, FormTemplateList, FormTemplateVersionCreate, FormTemplateVersionView } from '../agency-forms.types';
import { templateView, versionView } from '../agency-forms.view';
import { templateDefinitionErrors } from '../template-checks';
import * as templates from '../templates.repository';
import { runFormsCommand, type AgencyFormsDeps } from './deps';

/**
 * Form templates: the catalogue for everyone with forms:read; drafts,
 * publishing and retiring for administrators (form-templates:write). A
 * published version never changes (a trigger guards it too); a new version is
 * a new draft.
 */

const templateEvent = (id: string, action: string, details: Record<string, unknown> = {}) => ({
  action,
  resourceType: 'form_template',
  resourceId: id,
  details,
});

export function listTemplates(deps: AgencyFormsDeps, p: Principal): Promise<FormTemplateList> {
  return runFormsCommand(deps, 'form_template.list', { type: 'form_template' }, async (tx) => {
    const { templates: rows, versions } = await templates.listTemplates(tx);
    const admin = p.permissions.has('form-templates:write');
    const items = rows
      .map((t) =>
        templateView(
          t,
          versions.filter((v) => v.template_id === t.id && (admin || v.status !== 'draft')),
        ),
      )
      .filter((t) => t.versions.length > 0);
    return { items };
  });
}

export function getVersion(deps: AgencyFormsDeps, p: Principal, id: string, version: number): Promise<FormTemplateVersionView> {
  return runFormsCommand(deps, 'form_template.read', { type: 'form_template', id }, async (tx) => {
    const t = await templates.findTemplate(tx, id);
    const v = t && (await templates.findVersion(tx, id, version));
    // A draft is the administrators' work in progress: to anyone else it does not exist yet.
    if (!t || !v || (v.status === 'draft' && !p.permissions.has('form-templates:write'))) throw versionNotFound();
    return versionView(t, v);
  });
}

export function createTemplate(deps: AgencyFormsDeps, p: Principal, body: FormTemplateCreate): Promise<FormTemplateVersionView> {
  const errors = templateDefinitionErrors(body);
  if (errors.length) return Promise.reject(templateInvalid(errors));
  return runFormsCommand(deps, 'form_template.create', { type: 'form_template', id: body.id }, async (tx) => {
    if (await templates.findTemplate(tx, body.id)) throw templateExists();
    await templates.insertTemplate(tx, { id: body.id, kind: body.kind, national: false });
    await insertDraft(tx, p, body.id, 1, body);
    await audit(tx, templateEvent(body.id, 'form_template.create', { version: 1 }));
    return loadVersion(tx, body.id, 1);
  });
}

export function createVersion(
  deps: AgencyFormsDeps,
  p: Principal,
  id: string,
  body: FormTemplateVersionCreate,
): Promise<FormTemplateVersionView> {
  const errors = templateDefinitionErrors(body);
  if (errors.length) return Promise.reject(templateInvalid(errors));
  return runFormsCommand(deps, 'form_template.version.create', { type: 'form_template', id }, async (tx) => {
    // The template row is locked so two new drafts cannot both take the next number.
    if (!(await templates.findTemplate(tx, id, { lock: true }))) throw templateNotFound();
    const versions = await templates.versionsOf(tx, id);
    const draft = versions.find((v) => v.status === 'draft');
    if (draft) throw draftExists(draft.version);
    const next = (versions[versions.length - 1]?.version ?? 0) + 1;
    await insertDraft(tx, p, id, next, body);
    await audit(tx, templateEvent(id, 'form_template.version.create', { version: next }));
    return loadVersion(tx, id, next);
  });
}

export function publishVersion(deps: AgencyFormsDeps, _p: Principal, id: string, version: number): Promise<FormTemplateVersionView> {
  return changeStatus(deps, id, version, 'draft', 'form_template.publish', { status: 'published', published_at: deps.now() });
}

export function retireVersion(deps: AgencyFormsDeps, _p: Principal, id: string, version: number): Promise<FormTemplateVersionView> {
  return changeStatus(deps, id, version, 'published', 'form_template.retire', { status: 'retired', retired_at: deps.now() });
}

async function changeStatus(
  deps: AgencyFormsDeps,
  id: string,
  version: number,
  from: 'draft' | 'published',
  action: string,
  to: Parameters<typeof templates.setVersionStatus>[3],
): Promise<FormTemplateVersionView> {
  return runFormsCommand(deps, action, { type: 'form_template', id }, async (tx) => {
    const v = await templates.findVersion(tx, id, version, { lock: true });
    if (!v) throw versionNotFound();
    if (v.status !== from) throw versionNotInStatus(v.status, from);
    await templates.setVersionStatus(tx, id, version, to);
    await audit(tx, templateEvent(id, action, { version }));
    return loadVersion(tx, id, version);
  });
}

async function insertDraft(tx: Tx, p: Principal, id: string, version: number, body: FormTemplateVersionCreate): Promise<void> {
  await templates.insertVersion(tx, {
    template_id: id,
    version,
    status: 'draft',
    title: body.title,
    description: body.description,
    effective_from: body.effectiveFrom,
    schema: body.schema,
    display: body.display,
    created_by: `${p.kind}:${p.id}`,
  });
}

async function loadVersion(tx: Tx, id: string, version: number): Promise<FormTemplateVersionView> {
  const t = (await templates.findTemplate(tx, id))!;
  return versionView(t, (await templates.findVersion(tx, id, version))!);
}
