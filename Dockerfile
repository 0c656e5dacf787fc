# kafka-ir: the engine (worker + HTTP server) as one container. Point it at Kafka and Temporal with the env of DESIGN §6.
FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY adapters ./adapters
COPY runbooks ./runbooks
COPY schema ./schema
ENV KAFKA_IR_HOST=0.0.0.0 KAFKA_IR_PORT=8080 KAFKA_IR_RUNBOOKS=/app/runbooks
EXPOSE 8080
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=12 CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/kafka-ir.js", "start"]
