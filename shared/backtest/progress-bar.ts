/** How a progress bar is drawn: the clock, how long a run must take before it shows, and what it counts. */
export interface ProgressOptions {
  readonly now?: () => number;
  /** The bar shows only once this many ms have passed (default 2000; 0: from the first update). */
  readonly afterMs?: number;
  /** What `done` and `total` count, e.g. steps, runs, levels (default steps). */
  readonly unit?: string;
}

/** A progress bar: feed it (done, total); end() closes its line if it ever showed. */
export interface ProgressBar {
  update(done: number, total: number): void;
  end(): void;
}

/** A bar that draws nothing (stderr is not a terminal and --progress was not given). */
export const NO_PROGRESS: ProgressBar = { update() {}, end() {} };

/** Whether a command draws a progress bar: always with --progress, else only when stderr is a terminal. */
export function wantsProgress(flag: boolean | string | undefined, errIsTty: boolean | undefined): boolean {
  return flag === true || flag === 'true' || errIsTty === true;
}

/** Writes a one-line progress bar (carriage-return updates) once a run has taken longer than `afterMs`. */
export function progressBar(write: (text: string) => void, label: string, options: ProgressOptions = {}): ProgressBar {
  const now = options.now ?? (() => performance.now());
  const afterMs = options.afterMs ?? 2000;
  const unit = options.unit ?? 'steps';
  const start = now();
  let shown = false;
  return {
    update(done, total) {
      const elapsed = now() - start;
      if (elapsed < afterMs) return;
      shown = true;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const filled = Math.round(frac * width);
      const rate = elapsed > 0 ? done / (elapsed / 1000) : 0;
      const speed = rate >= 10 || rate === 0 ? String(Math.round(rate)) : rate.toFixed(2);
      write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${done}/${total} ${unit}, ${speed}/s`);
    },
    end() {
      if (shown) write('\n');
    },
  };
}
