// The data converter shared by the engine's worker and client: payloads and failure messages encrypted with the payload codec.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { EncryptionCodec } from './codec.js';

export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The codec is always in place, so an encrypted payload the engine cannot read is reported even without a key;
 * failure messages are encoded only when it encrypts (without a key: Temporal's defaults, plain text).
 */
export function dataConverter(codec: EncryptionCodec): DataConverter {
  return codec.encrypts ? { payloadCodecs: [codec], failureConverterPath } : { payloadCodecs: [codec] };
}
