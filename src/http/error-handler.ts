import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BulwarkError, ERRORS, type ErrorCode, ROUTINE_REFUSALS } from '../errors/index.js';
import { createShedLog } from './shed-log.js';

/** The RealWorld error body: `{ "errors": { "<field>": ["<message>"] } }`, plus our stable code. */
function send(reply: FastifyReply, code: ErrorCode, fields: Record<string, string[]>, requestId: string) {
  const { status, retryable } = ERRORS[code];
  if (retryable && status === 503) reply.header('retry-after', '1');
  return reply.status(status).send({ errors: fields, code, requestId });
}

/** Ajv's messages, keyed by the field the client sent (`/user/email` → `email`). */
function validationFields(error: FastifyError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const v of error.validation ?? []) {
    const params = v.params as { missingProperty?: string; limit?: number };
    const missing = params.missingProperty;
    // `/article/tagList/3` is reported under `tagList`: the client knows fields, not array positions.
    const named = v.instancePath.split('/').filter((s) => s !== '' && !/^\d+$/.test(s));
    const path = missing ?? named.pop() ?? error.validationContext ?? 'body';
    // RealWorld's wording: an absent or empty required string "can't be blank".
    const blank = missing !== undefined || (v.keyword === 'minLength' && params.limit === 1);
    const message = blank ? "can't be blank" : (v.message ?? 'is invalid');
    fields[path] = [...(fields[path] ?? []), message];
  }
  return Object.keys(fields).length > 0 ? fields : { body: [error.message] };
}

/**
 * The one place where failures become HTTP answers. Known errors keep their registered status;
 * anything unexpected is a 500 that carries only the request id, the detail goes to the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  const shedLog = createShedLog(app.log);
  app.addHook('onClose', (_app, done) => {
    shedLog.flush();
    done();
  });
  app.setErrorHandler((error: FastifyError | BulwarkError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof BulwarkError) {
      if (ROUTINE_REFUSALS.has(error.code)) shedLog.count(error.code);
      else if (error.status >= 500) request.log.warn({ err: error, code: error.code }, 'request failed');
      return send(reply, error.code, error.fields, request.id);
    }
    const fe = error as FastifyError;
    if (fe.validation) return send(reply, 'HTTP_ERR_VALIDATION', validationFields(fe), request.id);
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, 'HTTP_ERR_MALFORMED_JSON', { body: ['is not valid JSON'] }, request.id);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, 'HTTP_ERR_BODY_TOO_LARGE', { body: ['is too large'] }, request.id);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(
          reply,
          'HTTP_ERR_UNSUPPORTED_MEDIA_TYPE',
          { body: ['must be application/json'] },
          request.id,
        );
    }
    // secure-json-parse rejects __proto__ and constructor.prototype keys as a 400.
    if (fe.statusCode === 400)
      return send(reply, 'HTTP_ERR_MALFORMED_JSON', { body: [fe.message] }, request.id);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send({ errors: { body: [fe.message] }, code: fe.code, requestId: request.id });
    }
    request.log.error({ err: error }, 'unexpected failure');
    return send(
      reply,
      'HTTP_ERR_INTERNAL',
      { body: [`internal error, request id ${request.id}`] },
      request.id,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      'HTTP_ERR_NOT_FOUND',
      { body: [`no route for ${request.method} ${request.url.split('?')[0]}`] },
      request.id,
    ),
  );
}
