import { JWT_BEARER_ASSERTION_TYPE } from './token-request';

interface ClientCredentialsExample {
  /** make-assertion.mjs: signs a fresh client assertion with jose and prints it */
  script: string;
  /** the curl calls that exchange it for an access token and use the token */
  curl: string;
}

/**
 * A ready-to-run example for the hospital's developers. It refers to the
 * private key by file name only: the key itself is never put in it.
 */
export function clientCredentialsExample(o: {
  clientId: string;
  tokenUrl: string;
  kid: string;
  alg: string;
  scopes: readonly string[];
}): ClientCredentialsExample {
  const script = `// make-assertion.mjs: Node 20+ and \`npm install jose\`; reads private-key.pem (PKCS#8 PEM) from the current folder.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';

const clientId = '${o.clientId}';
const tokenUrl = '${o.tokenUrl}';
const key = await importPKCS8(readFileSync('private-key.pem', 'utf8'), '${o.alg}');
const assertion = await new SignJWT({})
  .setProtectedHeader({ alg: '${o.alg}', kid: '${o.kid}', typ: 'JWT' })
  .setIssuer(clientId) // iss = sub = your client_id
  .setSubject(clientId)
  .setAudience(tokenUrl) // aud = the token endpoint
  .setJti(randomUUID()) // new for every request: each jti is accepted once
  .setIssuedAt()
  .setExpirationTime('5m') // at most 5 minutes
  .sign(key);
process.stdout.write(assertion);
`;
  const apiBase = o.tokenUrl.replace(/\/oauth2\/token$/, '');
  const curl = `ACCESS_TOKEN=$(curl -sS -X POST '${o.tokenUrl}' \\
  --data-urlencode 'grant_type=client_credentials' \\
  --data-urlencode 'client_assertion_type=${JWT_BEARER_ASSERTION_TYPE}' \\
  --data-urlencode "client_assertion=$(node make-assertion.mjs)" \\
  --data-urlencode 'scope=${o.scopes.join(' ')}' \\
  | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); if (!r.access_token) { console.error(r.error, r.error_description); process.exit(1) } process.stdout.write(r.access_token)')

curl -sS -H "Authorization: Bearer $ACCESS_TOKEN" '${apiBase}/v1/agencies'
`;
  return { script, curl };
}
