import { operations, type OpenApiDocument } from '../../src/platform/http/openapi';
import type { JsonSchema } from './schema-arbitraries';

/** One operation of the contract, with what the fuzzer needs to build requests for it and judge the answers. */
export interface FuzzOperation {
  operationId: string;
  method: string;
  /** The contract's template, e.g. `/v1/cases/{caseId}`. */
  path: string;
  permission?: string;
  public: boolean;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }>; headers?: Record<string, unknown> }>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  examples: unknown[];
}

export interface MediaType {
  schema: JsonSchema;
  examples: unknown[];
}

type RawParameter = { name: string; in: Parameter['in']; required?: boolean; schema?: JsonSchema; example?: unknown; examples?: unknown };
type RawMediaType = { schema?: JsonSchema; example?: unknown; examples?: Record<string, { value?: unknown }> };

/** Every operation in the dereferenced contract, path-level parameters merged in (the operation's win). */
export function fuzzOperations(doc: OpenApiDocument): FuzzOperation[] {
  return operations(doc).map(({ path, method, op }) => {
    const pathLevel = ((doc.paths[path] as { parameters?: RawParameter[] }).parameters ?? []).filter(Boolean);
    const own = (op.parameters as RawParameter[] | undefined) ?? [];
    const byKey = new Map<string, RawParameter>();
    for (const p of [...pathLevel, ...own]) byKey.set(`${p.in}:${p.name.toLowerCase()}`, p);
    const body = op.requestBody as { required?: boolean; content?: Record<string, RawMediaType> } | undefined;
    return {
      operationId: op.operationId!,
      method,
      path,
      permission: op['x-permission'],
      public: op['x-public'] === true,
      parameters: [...byKey.values()].map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required === true,
        schema: p.schema ?? {},
        examples: [
          ...(p.example !== undefined ? [p.example] : []),
          ...(Array.isArray(p.schema?.examples) ? (p.schema.examples as unknown[]) : []),
        ],
      })),
      requestBody: body?.content
        ? {
            required: body.required === true,
            content: Object.fromEntries(
              Object.entries(body.content).map(([media, mt]) => [
                media,
                {
                  schema: mt.schema ?? {},
                  examples: [
                    ...(mt.example !== undefined ? [mt.example] : []),
                    ...Object.values(mt.examples ?? {}).map((e) => e.value),
                  ].filter((v) => v !== undefined),
                },
              ]),
            ),
          }
        : undefined,
      responses: (op.responses ?? {}) as FuzzOperation['responses'],
    };
  });
}
