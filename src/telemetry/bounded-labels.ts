/** The label value for everything past the bound. */
export const OTHER_LABEL = 'other';

/**
 * Bounds a label's values: the first `max` distinct values keep their own series, later ones share
 * `other`. Series are never dropped once created (a Prometheus series that vanishes and returns
 * looks like a counter reset), so "first seen" is the only bound that is both stable and strict.
 */
export class BoundedLabels {
  readonly #kept = new Set<string>();
  constructor(readonly max: number) {}

  /** The label for `value`: itself while there is room (or it already has a series), else `other`. */
  label(value: string): string {
    if (this.#kept.has(value)) return value;
    if (this.#kept.size >= this.max) return OTHER_LABEL;
    this.#kept.add(value);
    return value;
  }

  get size(): number {
    return this.#kept.size;
  }
}
