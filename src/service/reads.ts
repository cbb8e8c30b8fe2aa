import type { Queryable } from '../data/index.js';
import { articlePage, type ListFilters } from './article-page-sql.js';
import { articleBySlug, articlesByIds } from './article-read-sql.js';
import { listComments } from './comments-sql.js';
import type { ArticleRow, CommentRow, ProfileRow } from './presenters.js';
import { profile } from './profiles-sql.js';
import { popularTags } from './tags-sql.js';

/** A page of `GET /articles` with each row as the viewer sees it. */
export interface ArticleList {
  rows: ArticleRow[];
  total: number;
}

/**
 * The hot reads, each as one viewer (null when anonymous) sees it. Two implementations with the same
 * answers: straight to the database (no cache: the pre-incident profile) and through the query cache.
 */
export interface Reads {
  article(slug: string, viewerId: string | null): Promise<ArticleRow | null>;
  articleList(
    filters: ListFilters,
    limit: number,
    offset: number,
    viewerId: string | null,
  ): Promise<ArticleList>;
  profile(username: string, viewerId: string | null): Promise<ProfileRow | null>;
  comments(slug: string, viewerId: string | null): Promise<CommentRow[] | null>;
  tags(): Promise<string[]>;
}

/** Every read is one or two statements that compute the viewer's flags in SQL. */
export function directReads(db: Queryable): Reads {
  return {
    article: (slug, viewerId) => articleBySlug(db, slug, viewerId),
    async articleList(filters, limit, offset, viewerId) {
      const page = await articlePage(db, filters, limit, offset);
      return { rows: await articlesByIds(db, page.ids, viewerId), total: page.total };
    },
    profile: (username, viewerId) => profile(db, username, viewerId),
    comments: (slug, viewerId) => listComments(db, slug, viewerId),
    tags: () => popularTags(db),
  };
}
