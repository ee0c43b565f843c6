# One image, two processes: the Slack app (default) and the cluster worker.
#   docker run IMAGE                 -> node dist/app.js     (Slack app, port 3000)
#   docker run IMAGE dist/worker.js  -> node dist/worker.js  (cluster worker, port 9091)
# The build stage compiles TypeScript; the runtime stage has production dependencies only, owned
# by root and run as the unprivileged node user (uid 1000), so the code cannot be modified at run
# time (Kubernetes also mounts the root filesystem read-only: manifests/base/app.yaml, worker.yaml).
# test/docker/build.test.ts runs these steps in a clean copy of the build context.
FROM node:24-bookworm-slim AS build
WORKDIR /src
# Only the bot's workspace (packages/bot): the simulator, the local Slack stand-in and the demo are
# development tools and never enter the image.
COPY package.json package-lock.json tsconfig.json ./
COPY packages/bot/package.json packages/bot/tsconfig.build.json ./packages/bot/
RUN npm ci --no-audit --no-fund --workspace @rdev/bot --include-workspace-root
COPY packages/bot/src ./packages/bot/src
RUN npm run build --workspace @rdev/bot

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/bot/package.json ./packages/bot/
RUN npm ci --omit=dev --no-audit --no-fund --workspace @rdev/bot && npm cache clean --force
# Every dependency is hoisted to /app/node_modules, so the bot's compiled code runs from /app/dist.
COPY --from=build /src/packages/bot/dist ./dist
# The image's node user, by number so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
USER 1000:1000
EXPOSE 3000 9091
# For plain Docker: healthy when the app (PORT, default 3000) or the worker (WORKER_PORT, default
# 9091) answers /healthz. Kubernetes ignores HEALTHCHECK and uses the probes in manifests/.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const ports = [process.env.PORT || 3000, process.env.WORKER_PORT || 9091]; Promise.any(ports.map((p) => fetch(`http://127.0.0.1:${p}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => { if (!r.ok) throw new Error(String(r.status)); }))).then(() => process.exit(0), () => process.exit(1));"]
ENTRYPOINT ["node"]
CMD ["dist/app.js"]
