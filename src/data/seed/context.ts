import type pg from 'pg';
import type { DemoSizes } from './sizes.js';

/** What every loader needs: the connection, the sizes, and the fixed point in time the data ends at. */
export interface SeedContext {
  client: pg.ClientBase;
  sizes: DemoSizes;
  /** The dataset's "now": timestamps fall in the two years before it. */
  anchor: Date;
  /** The password hash every demo user shares. */
  passwordHash: string;
}
