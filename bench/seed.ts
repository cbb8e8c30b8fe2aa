// Seeds the demo dataset at the default sizes into fresh embedded databases and prints each step's
// time, the median total, and the skew of the last run's data.
// Usage: node --import tsx bench/seed.ts [runs=3]
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { seedDemo } from '../src/data/index.js';
import { startScratchDatabase, TEST_ANCHOR } from '../test/support/seeded.js';
import { testConfig } from '../test/support/stack.js';

const SKEW = `
  SELECT 'top 1% of authors: share of articles' AS what,
         round((SELECT sum(n) FROM (SELECT articles_count AS n FROM users ORDER BY 1 DESC
                                     LIMIT greatest(1, (SELECT count(*) FROM users) / 100)) t)::numeric
               / (SELECT count(*) FROM articles), 3)::text AS value
  UNION ALL SELECT 'articles of the top author / median author',
         (SELECT max(articles_count) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY articles_count) FROM users)
  UNION ALL SELECT 'articles of the top tag / median tag',
         (SELECT max(article_count) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY article_count) FROM tags)
  UNION ALL SELECT 'tags per article', round((SELECT count(*) FROM article_tags)::numeric / (SELECT count(*) FROM articles), 2)::text
  UNION ALL SELECT 'favorites of the top article / median article',
         (SELECT max(favorites_count) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY favorites_count) FROM articles)
  UNION ALL SELECT 'favorites by the top user / median user',
         (SELECT max(favorites_count) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY favorites_count) FROM users)
  UNION ALL SELECT 'follows by the top follower / median follower',
         (SELECT max(n) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
            FROM (SELECT count(*) AS n FROM follows GROUP BY follower_id) t)
  UNION ALL SELECT 'followers of the top followee / median followee',
         (SELECT max(n) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
            FROM (SELECT count(*) AS n FROM follows GROUP BY followee_id) t)
  UNION ALL SELECT 'comments on the top article / median commented article',
         (SELECT max(n) || ' / ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
            FROM (SELECT count(*) AS n FROM comments GROUP BY article_id) t)`;

/** CPU seconds a process has used (user + system): the backend's work, whatever else the machine runs. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const runs = Number(process.argv[2] ?? 3);
const sizes = testConfig().seed;
const totals: number[] = [];
for (let run = 1; run <= runs; run++) {
  const database = await startScratchDatabase();
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const cpu0 = cpuSeconds(pid);
    const result = await seedDemo(client, sizes, { anchor: TEST_ANCHOR });
    if (!result.ok) throw new Error(result.message);
    const cpu = (cpuSeconds(pid) - cpu0).toFixed(1);
    totals.push(result.totalMs);
    const steps = result.steps.map((s) => `${s.step} ${s.ms} ms (${s.rows} rows)`).join(', ');
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    process.stdout.write(`run ${run}: ${result.totalMs} ms (backend CPU ${cpu} s, load ${load}): ${steps}\n`);
    if (run === runs) {
      const { rows } = await client.query<{ what: string; value: string }>(SKEW);
      for (const row of rows) process.stdout.write(`  ${row.what.padEnd(56)}${row.value}\n`);
    }
  } finally {
    await client.end();
    await database.stop();
  }
}
totals.sort((a, b) => a - b);
process.stdout.write(`median of ${runs}: ${totals[Math.floor(totals.length / 2)]} ms\n`);
