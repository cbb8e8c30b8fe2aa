import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name → its declared type (lower case). */
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample with this name whose labels include `labels`; undefined if none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

/**
 * Parses a Prometheus text exposition. parse-prometheus-text-format (prom2json-compatible) checks
 * every line's syntax and throws on an invalid one; its grouping of histogram lines loses the labels
 * when `le` comes first, as prom-client writes it, so the samples are then read here, and checked
 * further: every sample in a typed family, every name legal, every value a number.
 */
export function parseExposition(text: string): Exposition {
  const families = parsePrometheusTextFormat(text);
  const types = new Map<string, string>();
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`illegal metric name ${f.name}`);
    if (f.type === 'UNTYPED') throw new Error(`${f.name} has no # TYPE line`);
    types.set(f.name, f.type.toLowerCase());
  }
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`invalid sample line: ${line}`);
    const [, name = '', rawLabels = '', rawValue = ''] = m;
    const value = /^[+-]?Inf$/.test(rawValue)
      ? rawValue.startsWith('-')
        ? -Infinity
        : Infinity
      : Number(rawValue);
    // Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client writes "Nan").
    if (Number.isNaN(value) && !/^nan$/i.test(rawValue))
      throw new Error(`${name}: value ${rawValue} is not a number`);
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(family)) throw new Error(`sample ${name} belongs to no declared family`);
    const labels: Record<string, string> = {};
    for (const l of rawLabels.matchAll(LABEL)) labels[l[1] as string] = l[2] as string;
    samples.push({ name, labels, value });
  }
  return {
    types,
    samples,
    value(name, want = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1)
        throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(want)}`);
      return found[0]?.value;
    },
  };
}

/** How many series the exposition holds (a histogram's buckets, sum and count each count). */
export function seriesCount(text: string): number {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}
