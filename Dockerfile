# syntax=docker/dockerfile:1

# CDOP case management API.
#   docker build -t cdop-api .
#   docker run --env-file cdop.env -v /etc/cdop:/etc/cdop:ro -p 3000:3000 cdop-api
#
# The image runs with NODE_ENV=production, where the service refuses to start
# (naming the variable) without each of these:
#   DATABASE_URL                   postgres://user:pass@db:5432/cdop (the embedded PostgreSQL is a
#                                  development dependency and is not in this image)
#   PUBLIC_BASE_URL                https://… where callers reach the service (SAML URLs, token endpoint)
#   SESSION_SECRET                 at least 32 random characters (signs the session cookie)
#   SAML_SP_KEY_FILE               our SAML signing key (PEM), e.g. /etc/cdop/sp-key.pem
#   SAML_SP_CERT_FILE              its certificate (PEM), e.g. /etc/cdop/sp-cert.pem
#   ACCESS_TOKEN_SIGNING_KEY_FILE  PKCS#8 PEM EC P-256 key signing agency systems' access tokens
#   SMTP_URL                       smtp://user:pass@relay:587 (or SMTP_HOST, SMTP_PORT, SMTP_USER,
#                                  SMTP_PASSWORD, SMTP_SECURE); STARTTLS is required unless SMTP_REQUIRE_TLS=false
#   MAIL_FROM                      CDOP <cdop@your-domain>, the sender of reminders
#                                  (neither is needed with MAIL_ENABLED=false: mail then waits in the
#                                  outbox for an instance that sends it)
# and, to be of use:
#   SAML_IDPS_FILE                 the identity providers people sign in with (none: nobody can sign in)
#   TRUST_PROXY                    behind a TLS-terminating proxy (otherwise no Secure session cookie)
# Everything else has a default (README, Configuration). DEV_IDP must not be true.
# Register an agency system from the running container:
#   docker exec <container> node dist/src/cli/client-create.js --agency <ODS code> --scopes "notifications:write" --name "…"

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing the compile needs runs an install script (they
# fetch or check native binaries, or send install telemetry).
RUN npm ci --ignore-scripts
COPY . .
# tsconfig.build.json has rootDir ".": dist/src/main.js, dist/migrations/*.js
RUN npm run build

# ---- runtime: production dependencies, compiled code and the contract ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: the service finds openapi/openapi.yaml (and the files it
# references) next to package.json (src/platform/project-root.ts).
COPY openapi ./openapi
# Files stay owned by root (read-only to the service); it runs as `node`.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
