import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '../errors/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bearer token ops writes must carry (see `requireOpsToken`). */
    opsToken: string;
  }
}

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** True for 127.0.0.0/8, ::1 and the IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * A preHandler for ops routes that change something: the request must carry
 * `Authorization: Bearer <ops token>` (the token of `<dataDir>/ops-token` or `ops.token`), else 401.
 * The ops server also applies it to every non-GET request by itself, so a plugin cannot forget it.
 * @example app.post('/ops/incidents/:id/close', { preHandler: requireOpsToken }, handler)
 */
export async function requireOpsToken(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  return checkOpsToken(request, reply, request.server.opsToken);
}

/**
 * The same check against a given token, for servers other than the ops server that take ops
 * writes (the local moderation service's fault endpoint).
 */
export function opsTokenCheck(
  token: string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => checkOpsToken(request, reply, token);
}

async function checkOpsToken(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): Promise<FastifyReply | undefined> {
  const given = bearerOf(request);
  if (given !== undefined && tokenMatches(given, token)) return undefined;
  const code = 'OPS_ERR_UNAUTHORIZED';
  return reply
    .status(ERRORS[code].status)
    .header('www-authenticate', 'Bearer realm="bulwark-ops"')
    .send({
      errors: {
        authorization: [
          given === undefined
            ? 'this ops endpoint needs "Authorization: Bearer <token>"; the token is in <dataDir>/ops-token or ops.token'
            : 'the ops token is wrong',
        ],
      },
      code,
      requestId: request.id,
    });
}
