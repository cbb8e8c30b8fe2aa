import type { Db } from '../data/index.js';
import type { AuthHook } from './auth.js';
import type { ServiceDeps } from './deps.js';
import type { Reads } from './reads.js';
import type { TokenService } from './token.js';

/** What every route file receives: the service's dependencies plus the shared auth pieces. */
export interface RouteContext extends ServiceDeps {
  /** With a cache, a `Db` whose every write invalidates what it changed before it returns. */
  db: Db;
  /** The hot reads, cached or not. */
  reads: Reads;
  tokens: TokenService;
  auth: { required: AuthHook; optional: AuthHook };
}
