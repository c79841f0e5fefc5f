import type { TrackRecord } from './types.js';

/** One W&B history row: `_step` counts rows over the whole run; metrics are keyed `<phase>/<name>`. */
export type WandbHistoryRow = Record<string, number>;

/**
 * Turns tracker records into W&B history rows. W&B wants one monotonic `_step` per run, while
 * every phase counts its own steps from 1; so each (phase, step) group of metrics becomes one row
 * with a global `_step`, and the phase's own step is kept as `<phase>/step`.
 */
export class WandbHistory {
  private readonly startedAt: number;
  private row: WandbHistoryRow | undefined;
  private rowKey = '';
  private nextStep = 0;
  /** Last value of every key: W&B's run summary. */
  readonly summary: Record<string, number> = {};

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /** Feed one record; returns the rows it completed (a metric of a new phase/step closes the open row). */
  add(record: TrackRecord): WandbHistoryRow[] {
    if (record.type !== 'metric') return this.flush();
    const key = `${record.phase}\u0000${record.step}`;
    const done = key === this.rowKey ? [] : this.flush();
    if (!this.row) {
      const seconds = Date.parse(record.time) / 1000;
      this.row = {
        _step: this.nextStep,
        _timestamp: seconds,
        _runtime: Math.max(0, seconds - this.startedAt / 1000),
        [`${record.phase}/step`]: record.step,
      };
      this.rowKey = key;
      this.nextStep += 1;
    }
    this.row[`${record.phase}/${record.name}`] = record.value;
    this.summary[`${record.phase}/${record.name}`] = record.value;
    return done;
  }

  /** Close the open row, if any, and return it; call at the end of the run so the last step is not lost. */
  flush(): WandbHistoryRow[] {
    const row = this.row;
    this.row = undefined;
    this.rowKey = '';
    return row ? [row] : [];
  }
}
