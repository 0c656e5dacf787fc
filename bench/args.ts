// Benchmark options from argv (`--n 500`): read when a benchmark starts, with the default it documents.
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} takes a positive number (got ${process.argv[at + 1] ?? 'nothing'})`);
    process.exit(2);
  }
  return value;
}

export function choiceArg<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = process.argv[at + 1] as T;
  if (!choices.includes(value)) {
    console.error(`${name} is one of ${choices.join(', ')} (got ${value ?? 'nothing'})`);
    process.exit(2);
  }
  return value;
}
