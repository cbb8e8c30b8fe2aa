import type { FastifyInstance } from 'fastify';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { badCredentials, invalid, invalidToken, taken } from './http-errors.js';
import { LIMITS } from './limits.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import { mapPgErrors } from './pg-errors.js';
import { userJson } from './presenters.js';
import { LoginBody, RegisterBody, UpdateUserBody } from './user-schemas.js';
import { insertUser, type UserChanges, updateUser, userByEmail, userById } from './users-sql.js';

// NIST 800-63B: at least 8 characters, no composition rules. Checked here and not in the schema so
// that an empty password still reads "can't be blank".
function checkPasswordPolicy(password: string): void {
  if (password.length < LIMITS.passwordMin) {
    throw invalid('password', `is too short (minimum is ${LIMITS.passwordMin} characters)`);
  }
}

// Blank after trimming is blank: "   " is no more a username than "".
function required(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(field, "can't be blank");
  return trimmed;
}

// RealWorld clients clear an optional field with "" as often as with null; both store null.
const nullIfEmpty = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v;

/** Registration, login and the current user. */
export function registerUserRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, tokens, auth } = ctx;

  app.post<{ Body: RegisterBody }>('/users', { schema: { body: RegisterBody } }, async (request, reply) => {
    const { password } = request.body.user;
    const username = required('username', request.body.user.username);
    const email = required('email', request.body.user.email);
    checkPasswordPolicy(password);
    const result = await insertUser(db, username, email, await hashPassword(password));
    if (!result.ok) throw taken(result.taken);
    return reply.status(201).send({ user: userJson(result.user, tokens.sign(result.user.id)) });
  });

  app.post<{ Body: LoginBody }>('/users/login', { schema: { body: LoginBody } }, async (request) => {
    const { email, password } = request.body.user;
    const user = await userByEmail(db, email.trim());
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
    if (!user || !ok) throw badCredentials();
    return { user: userJson(user, tokens.sign(user.id)) };
  });

  app.get('/user', { onRequest: auth.required }, async (request) => {
    const viewer = viewerOfAuthed(request);
    const user = await userById(db, viewer.id);
    if (!user) throw invalidToken();
    return { user: userJson(user, viewer.token) };
  });

  app.put<{ Body: UpdateUserBody }>(
    '/user',
    { onRequest: auth.required, schema: { body: UpdateUserBody } },
    async (request) => {
      const viewer = viewerOfAuthed(request);
      const input = request.body.user;
      const changes: UserChanges = {
        username: input.username === undefined ? undefined : required('username', input.username),
        email: input.email === undefined ? undefined : required('email', input.email),
        bio: nullIfEmpty(input.bio),
        image: nullIfEmpty(input.image),
      };
      if (input.password !== undefined) {
        checkPasswordPolicy(input.password);
        changes.password_hash = await hashPassword(input.password);
      }
      const user = await mapPgErrors(updateUser(db, viewer.id, changes));
      if (!user) throw invalidToken();
      // The token names the user by id, so it stays valid across a change of username or email.
      return { user: userJson(user, viewer.token) };
    },
  );
}
