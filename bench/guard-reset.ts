// The guard benchmark's mixed and critical workloads post comments. Left in place they pile up on the
// hot articles run after run (about a hundred more on each of them per full benchmark), so every
// later measurement reads heavier comment lists than the one before it, and a rerun of the benchmark
// on the same data directory measures a different dataset. Each measurement starts from the seeded
// comments instead. (Favorites need nothing: the workloads add and remove them at random.)
import pg from 'pg';
import { databaseUrl } from './guard-faults.js';

/** The comment bodies the workloads post (`bench/guard-workloads.ts`). */
const BENCH_COMMENTS = "body LIKE 'guard bench %comment %'";

/** Deletes the comments earlier measurements posted; returns how many. */
export async function removeBenchComments(dataDir: string, databasePort: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(dataDir, databasePort) });
  await client.connect();
  try {
    const { rowCount } = await client.query(`DELETE FROM comments WHERE ${BENCH_COMMENTS}`);
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}
