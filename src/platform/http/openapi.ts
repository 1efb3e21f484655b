import { bundle, dereference } from '@apidevtools/json-schema-ref-parser';
import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';
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

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

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
    validateApiSpec: opts.validateSpec ?? true,
    ignoreUndocumented: false,
  });
}
