import { describe, expect, it } from 'vitest';
import { estimateResearch, formatEstimate, type ResearchWorkload } from '../../../shared/research/aws-estimate.js';

// Figures worked by hand from the price sheets (Lambda arm64 $0.0000133334/GB-s, $0.20/M requests; Step Functions
// $0.025/1k transitions, Express $1/M requests + $0.00001667/GB-s; S3 $0.005/1k PUT, $0.0004/1k GET) and the model's
// constants (0.25 s S3 overhead per item, 0.6 s cold start per concurrent worker, reduce 2 s + 0.02 s per result at 512 MB,
// 2 transitions per child + 5 for the parent, 15 s to start).
const plan: ResearchWorkload = {
  jobs: 1000, dataFiles: 2, missingFiles: 1, filesPerJob: 2, jobSeconds: 0.5, workerMemoryMb: 2048, concurrency: 100, childMode: 'STANDARD',
};

describe('the --on aws estimate', () => {
  it('prices 1000 jobs of 0.5 s on 2048 MB workers line by line as worked by hand', () => {
    const e = estimateResearch(plan);
    expect(e.lines.map((l) => [l.quantity, l.cost])).toEqual([
      [1500, '0.02'], // 1000 × (0.5 + 0.25) s × 2 GB
      [120, '0.0016'], // 100 cold starts × 0.6 s × 2 GB
      [11, '0.000147'], // (2 + 1000 × 0.02) s × 0.5 GB
      [0.001001, '0.0002'], // 1001 requests
      [2.005, '0.050125'], // 1000 × 2 + 5 transitions
      [1.005, '0.005025'], // 1 upload + manifest + items + 1000 results + 1 list page + summary
      [3.005, '0.001202'], // 2 HEAD + items + 1000 × 2 data + 1000 results + manifest + summary
    ]);
    expect(e.total).toBe('0.0783');
    expect(e.durationSeconds).toBeCloseTo(15 + 0.6 + 10 * 0.75 + 22, 9);
  });

  it('runs a job slower on a worker below one vCPU (1769 MB) and bills the same GB-seconds for it', () => {
    const small = estimateResearch({ ...plan, workerMemoryMb: 1769 / 2, jobSeconds: 0.25 });
    expect(small.lines[0]!.quantity).toBeCloseTo(1000 * (0.5 + 0.25) * (1769 / 2 / 1024), 3);
  });

  it('prices EXPRESS child workflows as one transition per child start plus Express requests and 64 MB duration', () => {
    const e = estimateResearch({ ...plan, childMode: 'EXPRESS' });
    const sfn = e.lines.filter((l) => l.service === 'Step Functions').map((l) => [l.quantity, l.cost]);
    expect(sfn).toEqual([[1.005, '0.025125'], [0.001, '0.001'], [53.125, '0.000886']]);
  });

  it('prints the total rounded up to cents and the duration in minutes', () => {
    const text = formatEstimate(estimateResearch(plan));
    expect(text).toMatch(/^estimate for 1000 jobs on AWS \(us-east-1 list prices as of 2025-06-01/);
    expect(text).toMatch(/\n  total           \$0\.08 \(0\.0783\)\n/);
    expect(text).toMatch(/\n  duration        ~0\.8 min at 100 concurrent workers, 0\.500 s per job measured locally\n$/);
  });
});
