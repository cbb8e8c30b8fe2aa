import { type Static, Type } from '@sinclair/typebox';
import type { Config } from '../config/index.js';
import { invalid } from './http-errors.js';
import { LIMITS } from './limits.js';

/** `limit` and `offset`, bounded by configuration so that no request can ask for an unbounded page. */
export function pageQuery(api: Config['api']) {
  return {
    limit: Type.Integer({ minimum: 1, maximum: api.maxLimit, default: api.defaultLimit }),
    offset: Type.Integer({ minimum: 0, maximum: api.maxOffset, default: 0 }),
  };
}

export function listQuery(api: Config['api']) {
  return Type.Object({
    ...pageQuery(api),
    tag: Type.Optional(Type.String({ maxLength: LIMITS.tag })),
    author: Type.Optional(Type.String({ maxLength: LIMITS.username })),
    favorited: Type.Optional(Type.String({ maxLength: LIMITS.username })),
  });
}
export type ListQuery = Static<ReturnType<typeof listQuery>>;

export function feedQuery(api: Config['api']) {
  return Type.Object(pageQuery(api));
}
export type FeedQuery = Static<ReturnType<typeof feedQuery>>;

/**
 * Checks limit and offset once more after Ajv: its type coercion turns "1e999" into Infinity and lets
 * it past `maximum`, and an unbounded page must never reach the database.
 */
export function checkedPage(query: { limit: number; offset: number }, api: Config['api']) {
  const within = (v: number, min: number, max: number) => Number.isSafeInteger(v) && v >= min && v <= max;
  if (!within(query.limit, 1, api.maxLimit))
    throw invalid('limit', `must be an integer from 1 to ${api.maxLimit}`);
  if (!within(query.offset, 0, api.maxOffset))
    throw invalid('offset', `must be an integer from 0 to ${api.maxOffset}`);
  return { limit: query.limit, offset: query.offset };
}
