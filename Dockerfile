# syntax=docker/dockerfile:1

# CDOP case management API.
#   docker build -t cdop-api .
#   docker run -e DATABASE_URL=postgres://user:pass@db:5432/cdop -p 3000:3000 cdop-api
# DATABASE_URL is required: with NODE_ENV=production the service refuses to
# start without it (the embedded PostgreSQL is for development only).

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
