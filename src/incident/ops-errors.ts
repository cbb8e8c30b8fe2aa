import type { FastifyError, FastifyInstance } from 'fastify';
import { BulwarkError, ERRORS, type ErrorCode } from '../errors/index.js';

function fieldsOf(error: FastifyError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const v of error.validation ?? []) {
    const params = v.params as { missingProperty?: string; allowedValues?: unknown[]; limit?: number };
    const path =
      params.missingProperty ??
      v.instancePath.split('/').filter(Boolean).pop() ??
      error.validationContext ??
      'body';
    const message =
      params.missingProperty !== undefined || (v.keyword === 'minLength' && params.limit === 1)
        ? "can't be blank"
        : params.allowedValues
          ? `must be one of ${params.allowedValues.join(', ')}`
          : (v.message ?? 'is invalid');
    fields[path] = [...(fields[path] ?? []), message];
  }
  return Object.keys(fields).length ? fields : { body: [error.message] };
}

/**
 * The ops routes' own error handler (the ops server is not the API server): registered codes keep
 * their status, validation is a 422 naming each field, malformed JSON a 400, never a stack trace.
 */
export function installOpsErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | BulwarkError, request, reply) => {
    const send = (code: ErrorCode, fields: Record<string, string[]>) =>
      reply.status(ERRORS[code].status).send({ errors: fields, code, requestId: request.id });
    if (error instanceof BulwarkError) return send(error.code, error.fields);
    const fe = error as FastifyError;
    if (fe.validation) return send('HTTP_ERR_VALIDATION', fieldsOf(fe));
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return send('HTTP_ERR_UNSUPPORTED_MEDIA_TYPE', { body: ['must be application/json'] });
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return send('HTTP_ERR_BODY_TOO_LARGE', { body: ['is too large'] });
    if (fe.statusCode === 400) return send('HTTP_ERR_MALFORMED_JSON', { body: [fe.message] });
    if (fe.statusCode && fe.statusCode > 400 && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send({ errors: { body: [fe.message] }, code: fe.code, requestId: request.id });
    }
    request.log.error({ err: error }, 'ops route failed');
    return send('HTTP_ERR_INTERNAL', { body: [`internal error, request id ${request.id}`] });
  });
}
