/** Writes a one-line progress bar (carriage-return updates) once a run has taken longer than `afterMs`. */
export function progressBar(
  write: (text: string) => void, label: string, now: () => number = () => performance.now(), afterMs = 2000,
): { update: (done: number, total: number) => void; end: () => void } {
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
      const rate = elapsed > 0 ? Math.round(done / (elapsed / 1000)) : 0;
      write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${done}/${total} steps, ${rate}/s`);
    },
    end() {
      if (shown) write('\n');
    },
  };
}
