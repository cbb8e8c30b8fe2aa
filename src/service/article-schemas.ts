import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from './limits.js';

const Title = Type.String({ minLength: 1, maxLength: LIMITS.title });
const Description = Type.String({ minLength: 1, maxLength: LIMITS.description });
const Body = Type.String({ minLength: 1, maxLength: LIMITS.body });
// An array, never null: the suite rejects `tagList: null`; omitting it keeps the tags, [] clears them.
const TagList = Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.tag }), { maxItems: LIMITS.tags });

export const CreateArticleBody = Type.Object({
  article: Type.Object({
    title: Title,
    description: Description,
    body: Body,
    tagList: Type.Optional(TagList),
  }),
});
export type CreateArticleBody = Static<typeof CreateArticleBody>;

export const UpdateArticleBody = Type.Object({
  article: Type.Object({
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    body: Type.Optional(Body),
    tagList: Type.Optional(TagList),
  }),
});
export type UpdateArticleBody = Static<typeof UpdateArticleBody>;

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 512 }) });
export type SlugParams = Static<typeof SlugParams>;

export const CommentBody = Type.Object({
  comment: Type.Object({ body: Type.String({ minLength: 1, maxLength: LIMITS.comment }) }),
});
export type CommentBody = Static<typeof CommentBody>;

export const CommentParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 512 }),
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
export type CommentParams = Static<typeof CommentParams>;
