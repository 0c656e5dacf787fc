// The ElectLeaders request (API key 43, v2, KIP-460) in @platformatic/kafka's protocol writer and reader, which ship every admin API but this one.
import { Writer, createAPI, type Reader } from '@platformatic/kafka';

export const ElectionTypes = { PREFERRED: 0, UNCLEAN: 1 } as const;
export type ElectionType = (typeof ElectionTypes)[keyof typeof ElectionTypes];

export interface ElectLeadersRequestTopic { topic: string; partitions: number[] }
export interface ElectLeadersPartitionResult { partitionId: number; errorCode: number; errorMessage: string | null }
export interface ElectLeadersResponse {
  throttleTimeMs: number;
  errorCode: number;
  replicaElectionResults: { topic: string; partitionResult: ElectLeadersPartitionResult[] }[];
}

/*
  ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
    election_type => INT8
    topic_partitions => topic [partitions] TAG_BUFFER      (nullable: null elects every partition)
      topic => COMPACT_STRING
      partitions => INT32
    timeout_ms => INT32
*/
export function createRequest(electionType: ElectionType, topicPartitions: ElectLeadersRequestTopic[] | null, timeoutMs: number): Writer {
  return Writer.create()
    .appendInt8(electionType)
    .appendArray(topicPartitions, (w, t) => {
      w.appendString(t.topic).appendArray(t.partitions, (w, p) => w.appendInt32(p), true, false);
    })
    .appendInt32(timeoutMs)
    .appendTaggedFields();
}

/*
  ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
    throttle_time_ms => INT32
    error_code => INT16
    replica_election_results => topic [partition_result] TAG_BUFFER
      topic => COMPACT_STRING
      partition_result => partition_id error_code error_message TAG_BUFFER
        partition_id => INT32
        error_code => INT16
        error_message => COMPACT_NULLABLE_STRING

  Per-partition errors are answers, not failures (ELECTION_NOT_NEEDED says the leader is already the preferred one):
  they are returned for the caller to judge, unlike the library's own parsers, which throw on any.
*/
export function parseResponse(_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): ElectLeadersResponse {
  return {
    throttleTimeMs: reader.readInt32(),
    errorCode: reader.readInt16(),
    replicaElectionResults: reader.readArray((r) => ({
      topic: r.readString(),
      partitionResult: r.readArray((r) => ({ partitionId: r.readInt32(), errorCode: r.readInt16(), errorMessage: r.readNullableString() })),
    })),
  };
}

export const api = createAPI<[electionType: ElectionType, topicPartitions: ElectLeadersRequestTopic[] | null, timeoutMs: number], ElectLeadersResponse>(
  43, 2, createRequest, parseResponse);
