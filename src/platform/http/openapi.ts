import { bundle, dereference } from '@apidevtools/json-schema-ref-parser';
import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';
import { CONTRACT_FORMATS } from './formats';
import { memoiseValidatorRouteMatchers } from './route-matcher-cache';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
};

export interface OperationObject {
  operationId?: string;
  'x-permission'?: string;
  'x-public'?: boolean;
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LoadedOpenApi {
  /** One document with internal $refs only: served at /openapi.json. */
  bundled: OpenApiDocument;
  /** Every $ref resolved: what the validator and the contract tests read. */
  dereferenced: OpenApiDocument;
}

/** Reads the hand-written, multi-file contract. */
export async function loadOpenApi(rootFile: string): Promise<LoadedOpenApi> {
  const bundled = await bundle<OpenApiDocument>(rootFile, { resolve: { external: true, http: false } });
  const dereferenced = await dereference<OpenApiDocument>(structuredClone(bundled));
  return { bundled, dereferenced };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Every operation in the document, with its path and method. */
export function operations(doc: OpenApiDocument): { path: string; method: string; op: OperationObject }[] {
  const out: { path: string; method: string; op: OperationObject }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as OperationObject | undefined;
      if (op) out.push({ path, method, op });
    }
  }
  return out;
}

/**
 * Request validation (and, when asked, response validation) from the same
 * document the types are generated from. All errors are reported, unknown
 * properties and query parameters are refused.
 */
export function openApiValidator(
  doc: OpenApiDocument,
  opts: {
    validateResponses: boolean;
    /** check the document itself against the OpenAPI schema (~0.5 s of CPU at start) */ validateSpec?: boolean;
  },
): RequestHandler[] {
  memoiseValidatorRouteMatchers();
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(doc) as never, // the validator annotates the document it is given
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: opts.validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
    // date and date-time checked against the calendar (formats.ts), for every operation.
    formats: { ...CONTRACT_FORMATS },
    validateApiSpec: opts.validateSpec ?? true,
    ignoreUndocumented: false,
  });
}

/**
 * Matches a concrete path to the contract's path template (`/v1/panels/abc` →
 * `/v1/panels/{panelId}`), for steps that answer before the validator has
 * matched the operation (the log and metrics then still name the route, never
 * the concrete URL). Literal segments win over parameters, as in the validator.
 */
export function pathTemplateMatcher(doc: OpenApiDocument): (path: string) => string | undefined {
  const templates = Object.keys(doc.paths ?? {})
    .map((template) => ({
      template,
      segments: template.split('/').filter(Boolean),
    }))
    .sort((a, b) => literalCount(b.segments) - literalCount(a.segments));
  return (path) => {
    const parts = path.split('/').filter(Boolean);
    return templates.find((t) => t.segments.length === parts.length && t.segments.every((s, i) => isParam(s) || s === parts[i]))?.template;
  };
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');
const literalCount = (segments: string[]) => segments.filter((s) => !isParam(s)).length;
