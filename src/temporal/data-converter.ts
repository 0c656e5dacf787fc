// The data converter shared by the engine's worker and client: payloads and failure messages encrypted with the payload codec.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { EncryptionCodec } from './codec.js';

export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** Without a codec (no KAFKA_IR_PAYLOAD_KEY) Temporal's defaults apply: history in plain text. */
export function dataConverter(codec: EncryptionCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec], failureConverterPath } : undefined;
}
