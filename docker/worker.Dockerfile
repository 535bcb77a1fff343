# syntax=docker/dockerfile:1
# The sluice-worker image: the worker with every connector of this repository (FileStreamSource,
# FileStreamSink, MongoDbSource, OpenSearchSink) installed as plugins in /opt/sluice/node_modules,
# where the worker's plugin loader looks first (its working directory). Build from the repository
# root (docker/README.md says what is checked without Docker):
#   docker build -f docker/worker.Dockerfile -t sluice-worker .
# The `example` target is the product-search example (examples/product-search) on the same base.

# ---- build: install with the lock file, compile, copy out what runs ----
FROM node:20.20.2-bookworm AS build
WORKDIR /src
# the manifests first, so the dependency layer is rebuilt only when they change
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/runtime/package.json packages/runtime/
COPY packages/testkit/package.json packages/testkit/
COPY packages/worker/package.json packages/worker/
COPY connectors/file-sink/package.json connectors/file-sink/
COPY connectors/file-source/package.json connectors/file-source/
COPY connectors/mongodb-source/package.json connectors/mongodb-source/
COPY connectors/opensearch-sink/package.json connectors/opensearch-sink/
COPY connectors/webhook-sink/package.json connectors/webhook-sink/
COPY examples/product-search/package.json examples/product-search/
# the Kafka client's install fetches its prebuilt native binding (or builds it: this image has
# the compilers)
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY connectors connectors
COPY examples examples
COPY docker/runtime-closure.mjs docker/
RUN npx tsc -b \
 && node docker/runtime-closure.mjs /out/worker @sluice/worker \
      @sluice/file-sink @sluice/file-source @sluice/mongodb-source @sluice/opensearch-sink @sluice/webhook-sink \
 && node docker/runtime-closure.mjs /out/example @sluice/example-product-search @sluice/worker \
      @sluice/file-sink @sluice/file-source @sluice/mongodb-source @sluice/opensearch-sink

# ---- base: the slim runtime, no compilers, no npm cache ----
FROM node:20.20.2-bookworm-slim AS base
# librdkafka checks brokers' TLS certificates against the system CA store; libssl3 serves a
# binding built from source, which links OpenSSL dynamically
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/sluice /opt/sluice/plugins \
 && chown node:node /var/lib/sluice
WORKDIR /opt/sluice
# REST on every interface of the container; state (configs, source offsets) in the volume;
# extra plugin packages can be mounted under /opt/sluice/plugins
ENV NODE_ENV=production \
    SLUICE_REST_HOST=0.0.0.0 \
    SLUICE_STATE_DIR=/var/lib/sluice \
    SLUICE_PLUGIN_PATH=/opt/sluice/plugins

# ---- example: the product-search demo (it starts its own sluice-worker today) ----
FROM base AS example
COPY --from=build /out/example ./
USER node
ENTRYPOINT ["node", "examples/product-search/dist/main.js"]

# ---- worker (the default target) ----
FROM base AS worker
COPY --from=build /out/worker ./
# files stay root-owned (read-only to the worker); only the state volume is the worker's
USER node
EXPOSE 8083
VOLUME ["/var/lib/sluice"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SLUICE_REST_PORT || 8083) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: SIGTERM reaches node, which flushes and commits every task before exiting
ENTRYPOINT ["node", "--max-semi-space-size=2", "packages/worker/bin/sluice-worker.js"]
