/**
 * Counts per wall-clock second (epoch seconds, so series from several processes line up) and
 * per name, e.g. `join`, `status`, `checkout`. Feeds the throughput figures and the chart.
 */
export type SeriesJson = [number, Record<string, number>][];

export class Series {
  private bySecond = new Map<number, Record<string, number>>();

  inc(name: string, atMs = Date.now(), n = 1): void {
    const s = Math.floor(atMs / 1000);
    let row = this.bySecond.get(s);
    if (!row) {
      row = {};
      this.bySecond.set(s, row);
    }
    row[name] = (row[name] ?? 0) + n;
  }

  /** Sets a gauge-like value for the second (the last write wins). */
  set(name: string, atMs: number, value: number): void {
    const s = Math.floor(atMs / 1000);
    const row = this.bySecond.get(s) ?? {};
    row[name] = value;
    this.bySecond.set(s, row);
  }

  merge(other: Series | SeriesJson): this {
    const rows = other instanceof Series ? other.toJSON() : other;
    for (const [s, counts] of rows) {
      const row = this.bySecond.get(s) ?? {};
      for (const [k, v] of Object.entries(counts)) row[k] = (row[k] ?? 0) + v;
      this.bySecond.set(s, row);
    }
    return this;
  }

  toJSON(): SeriesJson {
    return [...this.bySecond.entries()].sort((a, b) => a[0] - b[0]);
  }

  static from(json: SeriesJson): Series {
    return new Series().merge(json);
  }

  /** Values of one name per second between two instants (inclusive seconds, missing = 0). */
  values(name: string, fromMs: number, toMs: number): { second: number; value: number }[] {
    const out: { second: number; value: number }[] = [];
    for (let s = Math.floor(fromMs / 1000); s <= Math.floor(toMs / 1000); s++) {
      out.push({ second: s, value: this.bySecond.get(s)?.[name] ?? 0 });
    }
    return out;
  }

  names(): string[] {
    const set = new Set<string>();
    for (const row of this.bySecond.values()) for (const k of Object.keys(row)) set.add(k);
    return [...set];
  }

  /**
   * Highest count in one whole second of a window. The first and last second of a phase are
   * partial, so they are left out when there are at least three.
   */
  peak(name: string, fromMs: number, toMs: number): number {
    const v = this.values(name, fromMs, toMs).map((x) => x.value);
    const inner = v.length >= 3 ? v.slice(1, -1) : v;
    return inner.length ? Math.max(...inner) : 0;
  }
}
