import { type Static, Type } from '@sinclair/typebox';
import { LIMITS } from './limits.js';

// minLength 1 is reported as "can't be blank" by the error handler, RealWorld's wording.
const Username = Type.String({ minLength: 1, maxLength: LIMITS.username });
const Email = Type.String({ minLength: 1, maxLength: LIMITS.email, format: 'email' });
const Password = Type.String({ minLength: 1, maxLength: LIMITS.password });
// Null first: with type coercion on, a string branch tried first would turn null into "".
const Nullable = (max: number) => Type.Union([Type.Null(), Type.String({ maxLength: max })]);

export const RegisterBody = Type.Object({
  user: Type.Object({ username: Username, email: Email, password: Password }),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  user: Type.Object({ email: Type.String({ minLength: 1, maxLength: LIMITS.email }), password: Password }),
});
export type LoginBody = Static<typeof LoginBody>;

export const UpdateUserBody = Type.Object({
  user: Type.Object({
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    bio: Type.Optional(Nullable(LIMITS.bio)),
    image: Type.Optional(Nullable(LIMITS.image)),
  }),
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const UsernameParams = Type.Object({
  username: Type.String({ minLength: 1, maxLength: LIMITS.username }),
});
export type UsernameParams = Static<typeof UsernameParams>;
