/** Research worker Lambda: runs one Distributed Map item (shared/research/worker.ts) and answers `{ index }`. */
import { S3Client } from '@aws-sdk/client-s3';
import { runResearchItem, type ResearchWorkerInput } from '../../shared/research/worker.js';

const s3 = new S3Client({});

/** Entry point: the Map's ItemSelector gives `{ bucket, item }`. */
export const handler = (event: ResearchWorkerInput): Promise<{ index: number }> => runResearchItem(s3, event);
