import { randomFillSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The version of each table, which every cached entry is checked against. Both calls are
 * synchronous: a bump made before a write is acknowledged is seen by every lookup that starts after.
 */
export interface TableVersions {
  /** True when other processes read and bump these versions too (each read is a system call). */
  readonly shared: boolean;
  current(tables: readonly string[]): string[];
  bump(tables: readonly string[]): void;
  close(): void;
}

/** One process's own counters: read-your-writes in this process only. */
export function localTableVersions(): TableVersions {
  const versions = new Map<string, number>();
  return {
    shared: false,
    current: (tables) => tables.map((t) => String(versions.get(t) ?? 0)),
    bump(tables) {
      for (const t of tables) versions.set(t, (versions.get(t) ?? 0) + 1);
    },
    close() {},
  };
}

/** Slots in the shared file: a table hashes to one. Two tables sharing a slot only invalidate each other. */
const SLOTS = 1024;
const SLOT_BYTES = 8;
export const SHARED_VERSIONS_BYTES = SLOTS * SLOT_BYTES;

/**
 * The versions of every process on this machine, in one small file that they all read and write
 * (`createSharedVersionsFile` makes it; on Linux it lives in /dev/shm, in memory). A bump writes a
 * fresh random 64-bit value into each table's slot with `pwrite`; a lookup reads the slots with one
 * `pread`. The kernel's page cache is one copy for all processes, so a value written before a write
 * is acknowledged is what any later read sees: no process serves a result older than an
 * acknowledged write, with no message to wait for and no process to hear from.
 *
 * Random values rather than counters: two processes bumping one table at once could both write
 * "counter + 1" and lose a bump; two random values cannot both equal the one a reader saw before
 * (a repeat has odds of 2^-64). A read that overlaps a write may see a mix of old and new bytes:
 * a value that no entry from before the write was stored under, so the worst it causes is a miss.
 */
export function sharedTableVersions(path: string): TableVersions {
  const fd = openSync(path, 'r+');
  const page = Buffer.alloc(SHARED_VERSIONS_BYTES);
  const fresh = Buffer.alloc(SLOT_BYTES);
  const offsetOf = (table: string) => (fnv1a(table) % SLOTS) * SLOT_BYTES;
  return {
    shared: true,
    current(tables) {
      readSync(fd, page, 0, SHARED_VERSIONS_BYTES, 0);
      return tables.map((t) => {
        const at = offsetOf(t);
        return page.toString('hex', at, at + SLOT_BYTES);
      });
    },
    bump(tables) {
      for (const t of tables) {
        randomFillSync(fresh);
        writeSync(fd, fresh, 0, SLOT_BYTES, offsetOf(t));
      }
    },
    close: () => closeSync(fd),
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Makes a zeroed version file for the processes about to share it: in /dev/shm where there is one
 * (memory, never written to disk), else in the temporary directory (the page cache still makes it
 * one copy for all). `remove` deletes it when they are gone.
 */
export function createSharedVersionsFile(): { path: string; remove(): void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'bulwark-cache-'));
  const path = join(dir, 'table-versions');
  writeFileSync(path, Buffer.alloc(SHARED_VERSIONS_BYTES), { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
