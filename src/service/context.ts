import type { Db } from '../data/index.js';
import type { AuthHook } from './auth.js';
import type { ServiceDeps } from './deps.js';
import type { TokenService } from './token.js';

/** What every route file receives: the service's dependencies plus the shared auth pieces. */
export interface RouteContext extends ServiceDeps {
  db: Db;
  tokens: TokenService;
  auth: { required: AuthHook; optional: AuthHook };
}
