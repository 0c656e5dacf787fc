// Progress lines for slow steps (fetching, building, starting), on stderr so stdout stays parseable.
export function progress(line: string): void {
  if (process.env.KAFKA_IR_INFRA_QUIET === '1') return;
  process.stderr.write(`infra: ${line}\n`);
}
