import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidToken, missingToken } from './http-errors.js';
import type { TokenService } from './token.js';

/** The signed-in user of a request: their id and the token they presented. */
export interface Viewer {
  id: string;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

// RealWorld's scheme is `Token`; `Bearer` is accepted because most HTTP clients send it.
const HEADER = /^(?:Token|Bearer) +([\w-]+\.[\w-]+\.[\w-]+)\s*$/i;

function viewerOf(request: FastifyRequest, tokens: TokenService): Viewer | null {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return null;
  const match = HEADER.exec(header);
  const id = match?.[1] ? tokens.verify(match[1]) : null;
  if (!match?.[1] || id === null) throw invalidToken();
  return { id, token: match[1] };
}

/**
 * onRequest hooks, so that a missing or bad token is answered 401 before the body is parsed or
 * validated. `optional` still rejects a token that is present but invalid: a client that believes it
 * is signed in must learn that it is not.
 */
export function authHooks(tokens: TokenService): { required: AuthHook; optional: AuthHook } {
  return {
    async required(request) {
      request.viewer = viewerOf(request, tokens);
      if (request.viewer === null) throw missingToken();
    },
    async optional(request) {
      request.viewer = viewerOf(request, tokens);
    },
  };
}

/** The viewer of a route guarded by the `required` hook. */
export function viewerOfAuthed(request: FastifyRequest): Viewer {
  if (request.viewer === null) throw missingToken();
  return request.viewer;
}
