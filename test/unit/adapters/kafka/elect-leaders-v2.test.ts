// ElectLeaders v2 on the wire, byte by byte against the request and response schemas Kafka publishes (ElectLeadersRequest.json, ElectLeadersResponse.json).
import { Reader } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { ElectionTypes, api, createRequest, parseResponse } from '../../../../adapters/kafka/elect-leaders-v2.js';

const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return [...b]; };
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return [...b]; };
/** A compact string: its length + 1 as an unsigned varint (all lengths here fit one byte), then UTF-8. */
const compact = (s: string) => [s.length + 1, ...Buffer.from(s)];

describe('ElectLeaders v2', () => {
  it('is API key 43, version 2', () => {
    expect([api.key, api.version]).toEqual([43, 2]);
  });

  it('encodes the election type, the partitions by topic, the timeout and the tagged fields', () => {
    const bytes = createRequest(ElectionTypes.PREFERRED, [{ topic: 'pay', partitions: [0, 2] }, { topic: 'x', partitions: [7] }], 5000).buffer;
    expect([...bytes]).toEqual([
      0, // election_type INT8: PREFERRED
      3, // topic_partitions: compact array of 2
      ...compact('pay'), 3, ...int32(0), ...int32(2), 0, // topic, partitions (compact array of 2), tagged fields
      ...compact('x'), 2, ...int32(7), 0,
      ...int32(5000), // timeout_ms
      0, // tagged fields
    ]);
  });

  it('encodes "every partition" as a null array', () => {
    expect([...createRequest(ElectionTypes.UNCLEAN, null, 1000).buffer]).toEqual([1, 0, ...int32(1000), 0]);
  });

  it('decodes per-partition outcomes, including errors, without throwing', () => {
    const response = Buffer.from([
      ...int32(0), ...int16(0), // throttle_time_ms, error_code
      2, // replica_election_results: compact array of 1
      ...compact('pay'), 3, // topic, partition_result: compact array of 2
      ...int32(0), ...int16(0), 0, 0, // partition 0: no error, null message, tagged fields
      ...int32(2), ...int16(84), ...compact('Leader election not needed for topic partition.'), 0, // partition 2: ELECTION_NOT_NEEDED
      0, // topic tagged fields
      0, // tagged fields
    ]);
    expect(parseResponse(1, 43, 2, Reader.from(response))).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      replicaElectionResults: [{
        topic: 'pay',
        partitionResult: [
          { partitionId: 0, errorCode: 0, errorMessage: null },
          { partitionId: 2, errorCode: 84, errorMessage: 'Leader election not needed for topic partition.' },
        ],
      }],
    });
  });
});
