import type { Config } from '../config/index.js';
import type { Db } from '../data/index.js';

/** What the Conduit handlers need from their caller: the database, the configuration and the token key. */
export interface ServiceDeps {
  db: Db;
  config: Readonly<Config>;
  jwtSecret: string;
}
