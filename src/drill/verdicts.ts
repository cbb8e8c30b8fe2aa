// The drill's verdicts, computed from the two runs only: the pre-incident stack must reproduce the
// outage (at least 30% of users affected over the spike, as in the seed), the hardened stack must
// hold (at most 1% of users affected, and no 5xx at all).
import { count5xx, type LoadResult, pct } from '../load/index.js';

export interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

export const REPRODUCED_AT_LEAST = 0.3;
export const HOLDS_AT_MOST = 0.01;

function spike(r: LoadResult) {
  return r.phases.find((p) => p.phase === 'spike');
}

export function drillVerdicts(pre: LoadResult, hardened: LoadResult): Verdict[] {
  const preSpike = spike(pre);
  const preShare = preSpike?.users.share ?? 0;
  const fiveXx = count5xx(hardened.total.byStatus);
  const hardSpike = spike(hardened);
  const hardShare = Math.max(hardened.users.share, hardSpike?.users.share ?? 0);
  return [
    {
      name: 'pre-incident reproduces the outage',
      ok: preShare >= REPRODUCED_AT_LEAST,
      detail: `${pct(preShare)} of the users active during the spike were affected (${preSpike?.users.affected ?? 0} of ${preSpike?.users.active ?? 0}; worst second ${pct(preSpike?.peakSliceShare ?? 0)}); needs ≥ ${pct(REPRODUCED_AT_LEAST)}`,
    },
    {
      name: 'hardened holds',
      ok: hardShare <= HOLDS_AT_MOST && fiveXx === 0,
      detail: `${pct(hardened.users.share)} of all users affected (${hardened.users.affected} of ${hardened.users.active}), ${pct(hardSpike?.users.share ?? 0)} during the spike, ${fiveXx} answers 5xx; needs ≤ ${pct(HOLDS_AT_MOST)} and no 5xx`,
    },
  ];
}
