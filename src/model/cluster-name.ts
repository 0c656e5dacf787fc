// A cluster's name as the settings file gives it, validated where settings are loaded.
import { z } from 'zod';

/** Names travel in incident ids, schedule ids, folder names and metric labels: kept short and plain. */
export const ClusterName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a cluster name is 1–40 lower-case letters, digits and dashes, starting with a letter or digit (e.g. "prod-eu")');
export type ClusterName = z.infer<typeof ClusterName>;
