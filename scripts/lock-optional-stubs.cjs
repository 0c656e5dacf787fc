// Adds lock-file entries for @swc/core's platform packages that this machine's npm registry does not serve
// (darwin, win32, …): `npm install` leaves them out, and `npm ci` then calls the lock out of sync. The stubs
// carry only name, version, os and cpu, so npm skips them on every other platform without fetching anything.
const fs = require('node:fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const swc = lock.packages['node_modules/@swc/core'];
const platform = (name) => {
  const [, os, cpu] = /core-(darwin|linux|win32)-([a-z0-9]+)/.exec(name) ?? [];
  return { os: [os], cpu: [cpu === 'arm' ? 'arm' : cpu] };
};
let added = 0;
for (const [name, version] of Object.entries(swc.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version, optional: true, ...platform(name), engines: { node: '>=10' } };
  added++;
}
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} stub(s)`);
