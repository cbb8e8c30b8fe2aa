import type { Config } from '../config/index.js';

/** What the supervisor hands a worker at fork time (in its environment, never on a command line). */
export interface WorkerBoot {
  config: Config;
  databaseUrl: string;
  jwtSecret: string;
  poolMax: number;
  /** The moderation service's base URL (`moderation.url`, or the local one the supervisor started). */
  moderationUrl?: string;
  /** The in-process caches' shared table versions (absent with Redis or without a cache). */
  cacheVersionsPath?: string;
}

export const WORKER_BOOT_ENV = 'BULWARK_WORKER_BOOT';

/** Supervisor → worker. */
export type SupervisorMessage = { type: 'shutdown' };
