# syntax=docker/dockerfile:1
# pairgate in a container: built in a full Node image, run from node:20-bookworm-slim as the unprivileged `node`
# user (uid 1000), with all state (database, admin socket) in the /data volume. Recipes: docs/deploy.md.
#   docker build -t pairgate .
#   docker run -d --name pairgate -p 127.0.0.1:8420:8420 -v pairgate-data:/data pairgate
#   docker exec pairgate pairgate devices approve CODE

ARG NODE_MAJOR=20

FROM node:${NODE_MAJOR}-bookworm AS build
WORKDIR /app
# Dependencies first, so source edits reuse this layer. Scripts stay off (`prepare` would build before the sources
# are here); better-sqlite3 is then built on its own: a prebuilt binary when it can fetch one, else from source
# with the python3, make and g++ this image has.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.base.json tsconfig.json vite.config.ts ./
COPY scripts ./scripts
COPY shared ./shared
COPY server ./server
COPY web ./web
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_MAJOR}-bookworm-slim AS runtime
# Every start setting is a PAIRGATE_* variable (pairgate start --help), so `-e` or compose `environment:` can
# change any of them, the bind address included. The defaults here make a container reachable through its
# published port, keep state in the volume, and name the gateway "pairgate" rather than the container's random
# hostname. The pairing screen's approve command names the container by its id (`docker exec <id> pairgate …`),
# which works whatever the container is called; PAIRGATE_CLI_HINT replaces it.
ENV NODE_ENV=production \
    PAIRGATE_HOST=0.0.0.0 \
    PAIRGATE_PORT=8420 \
    PAIRGATE_STATE_DIR=/data \
    PAIRGATE_NAME=pairgate
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# `pairgate` on PATH for `docker exec`; /data owned by the runtime user and private (0700), like ~/.pairgate.
RUN ln -s /app/bin/pairgate.js /usr/local/bin/pairgate \
 && mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8420
# /healthz over the container's own loopback; the Host is an IP literal, so the Host check lets it through.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PAIRGATE_PORT || 8420) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The image is the CLI: `docker run --rm -v pairgate-data:/data pairgate devices pending` runs any command.
ENTRYPOINT ["node", "/app/bin/pairgate.js"]
CMD ["start"]
