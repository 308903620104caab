// Worker entry from TypeScript source on Node < 22, where a worker's `--import tsx` hooks do not reach its entry
// module: tsx's tsImport compiles sweep-pool-worker.ts and everything it imports. Started by sweep-pool.ts only.
import { tsImport } from 'tsx/esm/api';

await tsImport('./sweep-pool-worker.ts', import.meta.url);
