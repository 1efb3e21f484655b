import { pathTemplateMatcher, type OpenApiDocument } from '../../src/platform/http/openapi';

describe('pathTemplateMatcher', () => {
  const match = pathTemplateMatcher({
    openapi: '3.1.0',
    paths: { '/v1/panels': {}, '/v1/panels/{panelId}': {}, '/v1/cases/{caseId}/history': {}, '/v1/audit/verify': {}, '/v1/audit/{x}': {} },
  } as unknown as OpenApiDocument);

  it('when a concrete path matches a template, then the template is named, never the concrete values', () => {
    expect(match('/v1/panels')).toBe('/v1/panels');
    expect(match('/v1/panels/6f1c2d3e-0000-4000-8000-000000000001')).toBe('/v1/panels/{panelId}');
    expect(match('/v1/cases/abc/history')).toBe('/v1/cases/{caseId}/history');
  });

  it('when a literal segment and a parameter both fit, then the literal wins', () => {
    expect(match('/v1/audit/verify')).toBe('/v1/audit/verify');
    expect(match('/v1/audit/other')).toBe('/v1/audit/{x}');
  });

  it('when nothing fits, then undefined', () => {
    expect(match('/v1/panels/a/b')).toBeUndefined();
    expect(match('/nowhere')).toBeUndefined();
  });
});
