# One image, two processes: the Slack app (default) and the cluster worker.
#   docker run IMAGE                 -> node dist/app.js
#   docker run IMAGE dist/worker.js  -> the worker
# Build stage compiles TypeScript; the runtime stage has production dependencies only and runs as non-root.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
USER node
EXPOSE 3000 9091
ENTRYPOINT ["node"]
CMD ["dist/app.js"]
