# syntax=docker/dockerfile:1
# Production image of the StreamSpace API. Build: `docker build -t streamspace-api .`
# Stages: deps (all dependencies, for the compiler) → build (tsc → dist/) → prod-deps (runtime
# dependencies only) → runtime (what ships: dist/, the bundled catalog and pruned node_modules).

FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# bcrypt ships prebuilt binaries for linux x64/arm64 glibc, so no compiler is needed.
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production \
    API_PORT=8000
WORKDIR /app
# The node image's own unprivileged user (uid/gid 1000); the files stay owned by root so the
# process cannot rewrite its code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY catalog ./catalog
USER 1000:1000
EXPOSE 8000
# Liveness only: /health (readiness) also needs the database and the Kubernetes API.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||8000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (the server drains requests on it).
CMD ["node", "dist/main.js"]
