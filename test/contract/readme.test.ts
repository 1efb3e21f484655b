import fs from 'node:fs';
import path from 'node:path';
import { CLIENT_SCOPES } from '../../src/access/roles';
import { loadOpenApi } from '../../src/platform/http/openapi';
import { projectRoot } from '../../src/platform/project-root';

// What a new integrator reads first stays true: the README lists every scope a
// system may be given with what it allows, and its walkthrough's notification
// body is the contract's own example (valid against the schema, see
// openapi-examples.test.ts), not a copy that drifts.

const readme = fs.readFileSync(path.join(projectRoot(), 'README.md'), 'utf8');

it('when the README is read, then it lists every scope an agency system may be given, with what it allows', () => {
  const missing = CLIENT_SCOPES.filter((s) => !new RegExp(`^\\| \`${s}\` \\| .{20,}\\|$`, 'm').test(readme));
  expect(missing).toEqual([]);
});

it("when the README's walkthrough body is read, then it is the contract's example notification, exactly", async () => {
  const marker = readme.indexOf('<!-- notification-example:');
  expect(marker).toBeGreaterThan(0);
  const block = /```json\n([\s\S]*?)\n\s*```/.exec(readme.slice(marker))![1]!;
  const { dereferenced } = await loadOpenApi(path.join(projectRoot(), 'openapi', 'openapi.yaml'));
  const post = (
    dereferenced.paths['/v1/notifications'] as {
      post: { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } };
    }
  ).post;
  expect(JSON.parse(block)).toEqual(post.requestBody.content['application/json']!.examples.withNhsNumber!.value);
});
