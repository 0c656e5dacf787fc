# kafka-ir: the engine (worker + HTTP server) as one container. Point it at Kafka and Temporal with the env of docs/design.md §6.
# The build stage compiles and packs (npm pack: what the npm package holds); the image gets that package and the
# locked production dependencies only: no TypeScript, tsx or test tools.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp && mkdir /app && tar -xzf /tmp/kafka-ir-*.tgz -C /app --strip-components=1

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
COPY package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
ENV KAFKA_IR_HOST=0.0.0.0 KAFKA_IR_PORT=8080 KAFKA_IR_RUNBOOKS=/app/runbooks
EXPOSE 8080
# The data directory (intake log, evidence, seal key file) is a volume in docker-compose.yml: made here so it belongs to node.
RUN mkdir -p /home/node/.local/share/kafka-ir && chown -R node:node /home/node/.local
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=12 CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/kafka-ir.js", "start"]
