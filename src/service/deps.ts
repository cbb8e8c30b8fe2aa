import type { Config } from '../config/index.js';
import type { Db, QueryCache } from '../data/index.js';
import type { ModerationCheck } from './moderation-client.js';

/** What the Conduit handlers need from their caller: the database, the configuration and the token key. */
export interface ServiceDeps {
  db: Db;
  config: Readonly<Config>;
  jwtSecret: string;
  /** The query cache for the hot reads; absent, every read goes to the database (the pre-incident profile). */
  cache?: QueryCache;
  /** Checks new articles and comments; absent, they are stored `unchecked`. */
  moderation?: ModerationCheck;
}
