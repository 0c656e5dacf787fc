// Failure messages and stack traces travel as an encoded payload, so the payload codec encrypts them too (docs/design.md §4).
// CommonJS on purpose: the Temporal worker require()s this file by path (DataConverter.failureConverterPath), in the
// worker and in the workflow bundle, and require() cannot load TypeScript.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
