import type pg from 'pg';

/**
 * Sets every maintained counter to the true count, set-based: the 'articles' total, users'
 * articles_count and favorites_count, articles' favorites_count, tags' article_count. Rows already
 * right are left alone, so on a consistent database this writes nothing. Used after a bulk load with
 * the counting triggers off; also a repair for counters that drifted.
 */
export async function recomputeCounters(client: pg.ClientBase): Promise<void> {
  await client.query(
    `INSERT INTO counters (name, value) VALUES ('articles', (SELECT count(*) FROM articles))
     ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE counters.value <> excluded.value`,
  );
  await client.query(
    `UPDATE users u SET articles_count = c.articles, favorites_count = c.favorites
       FROM (SELECT u2.id, coalesce(a.n, 0) AS articles, coalesce(f.n, 0) AS favorites
               FROM users u2
               LEFT JOIN (SELECT author_id, count(*) AS n FROM articles GROUP BY author_id) a ON a.author_id = u2.id
               LEFT JOIN (SELECT user_id, count(*) AS n FROM favorites GROUP BY user_id) f ON f.user_id = u2.id) c
      WHERE u.id = c.id AND (u.articles_count <> c.articles OR u.favorites_count <> c.favorites)`,
  );
  await client.query(
    `UPDATE articles a SET favorites_count = c.n
       FROM (SELECT a2.id, coalesce(f.n, 0) AS n
               FROM articles a2
               LEFT JOIN (SELECT article_id, count(*) AS n FROM favorites GROUP BY article_id) f ON f.article_id = a2.id) c
      WHERE a.id = c.id AND a.favorites_count <> c.n`,
  );
  await client.query(
    `UPDATE tags t SET article_count = c.n
       FROM (SELECT t2.id, coalesce(x.n, 0) AS n
               FROM tags t2
               LEFT JOIN (SELECT tag_id, count(*) AS n FROM article_tags GROUP BY tag_id) x ON x.tag_id = t2.id) c
      WHERE t.id = c.id AND t.article_count <> c.n`,
  );
}
