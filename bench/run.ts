// `npm run bench -- <name> [options]`: runs one benchmark file from bench/ (not part of npm test).
const names = ['containment', 'slack-click', 'alert-storm', 'evidence-export', 'worker-rss', 'access-log', 'access-log-cost', 'cli-startup', 'detection-replay', 'detection-rules'];
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [--n N]`);
  process.exit(2);
}
await import(`./${name}.ts`);
