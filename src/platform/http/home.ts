import { Router } from 'express';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * `GET /`: where a person who opens the service in a browser starts. It leads
 * to the docs page and to signing in (each link lands back on the docs, where
 * "Try it out" then works with the session).
 */
export function homeRouter(deps: { signIn: readonly { label: string; href: string }[] }): Router {
  const signIn = deps.signIn.length
    ? deps.signIn.map((l) => `<li><a href="${escape(l.href)}">${escape(l.label)}</a></li>`).join('\n')
    : '<li>No identity provider is configured (<code>SAML_IDPS_FILE</code>, or <code>DEV_IDP=true</code> in development).</li>';
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>CDOP case management API</title></head>
<body>
<main>
<h1>CDOP case management API</h1>
<p>The case management service for Child Death Overview Panels in England.</p>
<h2>People</h2>
<ul>
${signIn}
</ul>
<p>After signing in you land on the API documentation, where &ldquo;Try it out&rdquo; works with your session. <a href="/v1/me">/v1/me</a> shows who you are and what you may do.</p>
<h2>The API</h2>
<ul>
<li><a href="/docs">API documentation</a> (interactive)</li>
<li><a href="/openapi.json">The contract</a> (OpenAPI 3.1)</li>
</ul>
<p>Hospital and agency systems use OAuth 2.0 client credentials with a signed client assertion: an operator registers them with <code>npm run client:create</code>, and the documentation's <code>agencySystem</code> security scheme names the token URL and every scope.</p>
</main>
</body>
</html>`;
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
