/**
 * Performance marks the benchmark reads (benchmarks/frontend_render.mjs): a chart marks
 * `vigil:data:<id>` when its data arrives and `vigil:rendered:<id>` when ECharts has finished
 * drawing it; pages mark `vigil:page:<name>` when they are interactive.
 */
export function mark(name: string): void {
  try {
    performance.mark(`vigil:${name}`);
  } catch {
    // Marks are diagnostics only.
  }
}

export function hasMark(name: string): boolean {
  return performance.getEntriesByName(`vigil:${name}`).length > 0;
}
