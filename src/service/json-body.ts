import type { FastifyInstance } from 'fastify';

/**
 * The only body parser of the API: Fastify's JSON parser (prototype poisoning rejected) that also accepts an empty body: clients send
 * `Content-Type: application/json` with no body on POST /favorite, /follow and DELETE routes.
 */
export function acceptEmptyJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // The API speaks JSON only: other bodies get 415 instead of reaching validation as a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void parse(request, text, done);
  });
}
