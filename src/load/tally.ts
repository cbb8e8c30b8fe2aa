// What one generator process records. Every request due is recorded exactly once, when its outcome is
// known (answered, dropped or unfinished), against its intended send time: the slice and the phase it
// belongs to are those of the schedule, not of the moment it was answered.
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, latencyHistogram, percentileMs, recordMs } from './histogram.js';
import type { UserTimeline } from './result-types.js';

export interface GroupDump {
  requests: number;
  ok: number;
  slow: number;
  byStatus: Record<string, number>;
  latency: string;
  service: string;
}

export interface UsersDump {
  active: number;
  affected: number;
}

export interface SliceDump {
  t: number;
  intended: number;
  sent: number;
  late: number;
  ok: number;
  slow: number;
  slowServed: number;
  byStatus: Record<string, number>;
  latency: string;
  users: UsersDump;
}

/** One user's requests: how many, how many went wrong, and in which seconds (by intended time). */
export type UserDump = UserTimeline;

export interface TallyDump {
  total: GroupDump;
  /** Error answers by status and the body's `code` ("503 DATA_ERR_OVERLOADED"). */
  codes: Record<string, number>;
  byName: Record<string, GroupDump>;
  byPhase: Record<string, GroupDump & { users: UsersDump; slices: number[] }>;
  slices: SliceDump[];
  users: UsersDump;
  perUser: UserDump[];
}

class Group {
  requests = 0;
  ok = 0;
  slow = 0;
  readonly byStatus: Record<string, number> = {};
  readonly latency: Histogram = latencyHistogram();
  readonly service: Histogram = latencyHistogram();

  add(status: string, ok: boolean, slow: boolean, latencyMs: number, serviceMs: number | undefined): void {
    this.requests++;
    if (ok) this.ok++;
    if (slow) this.slow++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    recordMs(this.latency, latencyMs);
    if (serviceMs !== undefined) recordMs(this.service, serviceMs);
  }

  dump(): GroupDump {
    return {
      requests: this.requests,
      ok: this.ok,
      slow: this.slow,
      byStatus: { ...this.byStatus },
      latency: encodeHistogram(this.latency),
      service: encodeHistogram(this.service),
    };
  }
}

/** Users seen, each with whether any of their requests went wrong. */
class Users {
  private readonly bad = new Map<number, boolean>();
  add(user: number, isBad: boolean): void {
    if (isBad) this.bad.set(user, true);
    else if (!this.bad.has(user)) this.bad.set(user, false);
  }
  dump(): UsersDump {
    let affected = 0;
    for (const b of this.bad.values()) if (b) affected++;
    return { active: this.bad.size, affected };
  }
}

/** Per user, the seconds they were active and affected in: users over any window are a union. */
class UserSeconds {
  private readonly byUser = new Map<
    number,
    { requests: number; bad: number; active: Set<number>; affected: Set<number>; served: Set<number> }
  >();
  add(user: number, second: number, isBad: boolean, isBadServed: boolean): void {
    let u = this.byUser.get(user);
    if (!u) {
      u = { requests: 0, bad: 0, active: new Set(), affected: new Set(), served: new Set() };
      this.byUser.set(user, u);
    }
    u.requests++;
    u.active.add(second);
    if (isBad) {
      u.bad++;
      u.affected.add(second);
    }
    if (isBadServed) u.served.add(second);
  }
  dump(): UserDump[] {
    const asc = (xs: Set<number>) => [...xs].sort((a, b) => a - b);
    return [...this.byUser]
      .sort(([a], [b]) => a - b)
      .map(([user, u]) => ({
        user,
        requests: u.requests,
        bad: u.bad,
        activeS: asc(u.active),
        affectedS: asc(u.affected),
        affectedServedS: asc(u.served),
      }));
  }
}

class SliceTally {
  intended = 0;
  sent = 0;
  late = 0;
  ok = 0;
  slow = 0;
  slowServed = 0;
  readonly byStatus: Record<string, number> = {};
  readonly latency: Histogram = latencyHistogram();
  readonly users = new Users();
}

export interface Outcome {
  dueMs: number;
  name: string;
  phase: string;
  user: number;
  status: string;
  latencyMs: number;
  /** Absent when the request never reached the client (dropped). */
  serviceMs?: number;
}

export class Tally {
  private readonly total = new Group();
  private readonly byName = new Map<string, Group>();
  private readonly byPhase = new Map<string, { group: Group; users: Users; slices: Set<number> }>();
  private readonly slices: SliceTally[] = [];
  private readonly users = new Users();
  private readonly userSeconds = new UserSeconds();
  /** Recent answers, for the live progress line. */
  private recent: Histogram = latencyHistogram();
  private readonly codes: Record<string, number> = {};
  done = 0;
  okCount = 0;

  code(key: string): void {
    this.codes[key] = (this.codes[key] ?? 0) + 1;
  }

  constructor(private readonly objectiveMs: number) {}

  private slice(dueMs: number): SliceTally {
    const i = Math.max(0, Math.floor(dueMs / 1000));
    for (let k = this.slices.length; k <= i; k++) this.slices.push(new SliceTally());
    return this.slices[i] as SliceTally;
  }

  /** A request left (or was dropped) for a due time: counted in its slice's intended, sent and late. */
  scheduled(dueMs: number, sent: boolean, late = false): void {
    const s = this.slice(dueMs);
    s.intended++;
    if (sent) s.sent++;
    if (late) s.late++;
  }

  record(o: Outcome): void {
    const ok = o.status.length === 3 && o.status.startsWith('2');
    const slow = ok && o.latencyMs > this.objectiveMs;
    const bad = !ok || slow;
    // from the send: what a server timing its own requests can see (a dropped request was never sent)
    const slowServed = ok && (o.serviceMs ?? o.latencyMs) > this.objectiveMs;
    this.done++;
    if (ok) this.okCount++;
    this.total.add(o.status, ok, slow, o.latencyMs, o.serviceMs);
    let g = this.byName.get(o.name);
    if (!g) {
      g = new Group();
      this.byName.set(o.name, g);
    }
    g.add(o.status, ok, slow, o.latencyMs, o.serviceMs);
    let p = this.byPhase.get(o.phase);
    if (!p) {
      p = { group: new Group(), users: new Users(), slices: new Set() };
      this.byPhase.set(o.phase, p);
    }
    p.group.add(o.status, ok, slow, o.latencyMs, o.serviceMs);
    p.users.add(o.user, bad);
    const si = Math.max(0, Math.floor(o.dueMs / 1000));
    p.slices.add(si);
    const s = this.slice(o.dueMs);
    if (ok) s.ok++;
    if (slow) s.slow++;
    if (slowServed) s.slowServed++;
    s.byStatus[o.status] = (s.byStatus[o.status] ?? 0) + 1;
    recordMs(s.latency, o.latencyMs);
    s.users.add(o.user, bad);
    this.users.add(o.user, bad);
    this.userSeconds.add(o.user, si, bad, !ok || slowServed);
    recordMs(this.recent, o.latencyMs);
  }

  /** p99 (ms) and count of the answers since the last call. */
  takeRecent(): { p99: number; count: number } {
    const out = { p99: percentileMs(this.recent, 99), count: this.recent.totalCount };
    this.recent.reset();
    return out;
  }

  dump(): TallyDump {
    return {
      total: this.total.dump(),
      codes: { ...this.codes },
      byName: Object.fromEntries([...this.byName].map(([k, g]) => [k, g.dump()])),
      byPhase: Object.fromEntries(
        [...this.byPhase].map(([k, p]) => [
          k,
          { ...p.group.dump(), users: p.users.dump(), slices: [...p.slices].sort((a, b) => a - b) },
        ]),
      ),
      slices: this.slices.map((s, t) => ({
        t,
        intended: s.intended,
        sent: s.sent,
        late: s.late,
        ok: s.ok,
        slow: s.slow,
        slowServed: s.slowServed,
        byStatus: { ...s.byStatus },
        latency: encodeHistogram(s.latency),
        users: s.users.dump(),
      })),
      users: this.users.dump(),
      perUser: this.userSeconds.dump(),
    };
  }
}
