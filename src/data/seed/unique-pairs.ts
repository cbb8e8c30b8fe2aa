import type pg from 'pg';

export interface PairDraw {
  /** SQL for the left id of draw number `g`. */
  left: string;
  /** SQL for the right id of draw number `g`. */
  right: string;
  /** Self-pairs are not allowed (a user following themself). */
  distinct: boolean;
}

/**
 * Fills the temporary table `table (a, b)`, dropped at commit, with exactly `count` distinct pairs: the first
 * `count` distinct pairs in the sequence of draws g = 1, 2, 3, ... That result does not depend on
 * how many draws were made, so when too many draws repeat (skewed distributions do) the table is
 * rebuilt from twice as many, and the outcome is still the same set for the same sizes.
 */
export async function drawUniquePairs(
  client: pg.ClientBase,
  table: string,
  count: number,
  draw: PairDraw,
): Promise<void> {
  let draws = Math.ceil(count * 1.4) + 100;
  for (let round = 0; round < 8; round++, draws *= 2) {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    const { rowCount } = await client.query(
      `CREATE TEMP TABLE ${table} ON COMMIT DROP AS
       SELECT a, b FROM (
         SELECT a, b, min(g) AS first_draw
           FROM (SELECT g, ${draw.left} AS a, ${draw.right} AS b FROM generate_series(1, ${draws}::bigint) g) d
          ${draw.distinct ? 'WHERE a <> b' : ''}
          GROUP BY a, b
          ORDER BY first_draw
          LIMIT ${count}) p`,
    );
    if ((rowCount ?? 0) >= count) return;
  }
  throw new Error(`could not draw ${count} distinct pairs: the sizes are too dense for the skewed draws`);
}
