/** Research reduce Lambda: ends a stage of a run (shared/research/reduce.ts) with the plans of shared/research/plans.ts. */
import { S3Client } from '@aws-sdk/client-s3';
import { nextStage, reduceResearch, type ResearchOptions } from '../../shared/research/plans.js';
import { reduceRun, type ResearchPlan, type ResearchReduceInput, type ResearchReduceOutput } from '../../shared/research/reduce.js';

const s3 = new S3Client({});

/** The plans module behind the reduce step's port (manifest options are the command's parsed options). */
export const researchPlan: ResearchPlan = {
  nextStage: (kind, options, stage1) => nextStage(kind, options as ResearchOptions, stage1),
  reduceResearch: (kind, options, results) => reduceResearch(kind, options as ResearchOptions, results),
};

/** Entry point: `{ bucket, runId, stage }` from the state machine. */
export const handler = (event: ResearchReduceInput): Promise<ResearchReduceOutput> => reduceRun(s3, event, researchPlan);
