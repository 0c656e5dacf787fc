// `kafka-ir` from the TypeScript sources through tsx, for `npm run dev`, `npm run demo` and the tests: a change needs no
// build. bin/kafka-ir.js runs the compiled dist/ instead (`npm run build`), as the package does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
