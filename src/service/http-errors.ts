import { BulwarkError } from '../errors/index.js';

// RealWorld names the resource in the error body's key: `{"errors":{"article":["not found"]}}`.
export type Resource = 'article' | 'comment' | 'profile';

export const notFound = (resource: Resource) =>
  new BulwarkError('HTTP_ERR_NOT_FOUND', { [resource]: ['not found'] });

export const forbidden = (resource: Resource) =>
  new BulwarkError('AUTH_ERR_FORBIDDEN', { [resource]: ['forbidden'] });

export const taken = (fields: string[]) =>
  new BulwarkError(
    'SERVICE_ERR_CONFLICT',
    Object.fromEntries(fields.map((f) => [f, ['has already been taken']])),
  );

export const invalid = (field: string, message: string) =>
  new BulwarkError('HTTP_ERR_VALIDATION', { [field]: [message] });

export const missingToken = () => new BulwarkError('AUTH_ERR_MISSING_TOKEN', { token: ['is missing'] });

export const invalidToken = () => new BulwarkError('AUTH_ERR_INVALID_TOKEN', { token: ['is invalid'] });

export const badCredentials = () =>
  new BulwarkError('AUTH_ERR_BAD_CREDENTIALS', { credentials: ['invalid'] });
