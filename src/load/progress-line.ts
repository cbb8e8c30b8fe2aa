import type { Progress } from './engine.js';
import { f0, msText } from './format.js';

/**
 * The live line while a run goes: on a terminal it rewrites itself in place; elsewhere (CI logs) it
 * prints one line every `everyMs` so the log stays readable.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000) {
  let lastPrinted = -Infinity;
  let prevDone = 0;
  let prevAt = 0;
  return {
    update(p: Progress & { processes: number; targetMs: number }) {
      const dt = (p.elapsedMs - prevAt) / 1000;
      const rate = dt > 0 ? (p.done - prevDone) / dt : 0;
      prevDone = p.done;
      prevAt = p.elapsedMs;
      const okShare = p.done > 0 ? (p.ok / p.done) * 100 : 100;
      const line =
        `${(p.elapsedMs / 1000).toFixed(0).padStart(4)}/${(p.targetMs / 1000).toFixed(0)} s  ` +
        `${f0(rate).padStart(6)} answers/s  sent ${f0(p.sent)}  2xx ${okShare.toFixed(1)}%  ` +
        `p99(last s) ${msText(p.recentP99)}  in flight ${f0(p.inFlight)}  late ${f0(p.late)}  dropped ${f0(p.dropped)}`;
      if (stream.isTTY) stream.write(`\r\x1b[2K${line}`);
      else if (p.elapsedMs - lastPrinted >= everyMs) {
        lastPrinted = p.elapsedMs;
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
