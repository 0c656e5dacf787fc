// Metadata of every topic, as one broker holds it now.
import { ResponseError, metadataV12, type Connection } from '@platformatic/kafka';

/**
 * The answer stands even when some partitions report an error: a partition whose leader is down (a stopped or
 * fenced broker, a topic with one replica) says LEADER_NOT_AVAILABLE yet still lists its topic, id and replicas,
 * which is all the callers read.
 */
export async function allTopicsMetadata(c: Connection): Promise<metadataV12.MetadataResponse> {
  return metadataV12.api.async(c, null, false, false).catch((err: unknown) => {
    if (err instanceof ResponseError && err.response) return err.response as metadataV12.MetadataResponse;
    throw err;
  });
}
