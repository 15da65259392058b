# syntax=docker/dockerfile:1
# Current Node LTS, slim. Build stage compiles TypeScript; the runtime stage has production deps only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:24-bookworm-slim AS runtime
# V8 sizes its heap from the machine's memory: on a large host it lets a full sync's garbage pile up past the
# 300 MB budget before collecting (DESIGN.md §7). An explicit ceiling makes it collect sooner; 1.5 GB still
# leaves scoring an organisation of 100k open invoices its speed (1 GB cost it a tenth more GC time).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=1536 \
    PORT=3000 \
    DATA_DIR=/var/lib/ar-copilot
WORKDIR /app
# The report's chart images are drawn by resvg, which needs a font on the machine for their labels.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/ar-copilot && chown node:node /var/lib/ar-copilot
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# .ci/run starts exactly this, from production dependencies only, and checks /readyz, a sync and SIGTERM.
CMD ["node", "dist/src/main.js"]
