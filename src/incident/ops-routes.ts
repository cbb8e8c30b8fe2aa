import type { Static } from '@sinclair/typebox';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { ActionService } from './actions/action-service.js';
import { meanTimings } from './model/timings.js';
import type { IncidentStatus } from './model/types.js';
import { installOpsErrors } from './ops-errors.js';
import {
  ActionBody,
  ActionPatchBody,
  ActionQuery,
  EventBody,
  IdParams,
  ListQuery,
  NoteBody,
  OpenBody,
  PostmortemQuery,
  ResolveBody,
  RoleBody,
  RoleParams,
  SeverityBody,
  StatusBody,
} from './ops-schemas.js';
import { renderPostmortemHtml } from './postmortem/render-html.js';
import type { IncidentService } from './service/incident-service.js';

export interface IncidentRoutesOptions {
  service: IncidentService;
  actions: ActionService;
  /**
   * The ops token check, run before every write (the console's `requireOpsToken`). Required: the
   * routes cannot be mounted open to anonymous writes.
   */
  requireToken: preHandlerAsyncHookHandler;
  /** Largest postmortem text accepted on PUT (bytes). */
  postmortemLimitBytes?: number;
}

/** Who did it, for the timeline: the `X-Bulwark-Actor` header (the CLI sends the user's name). */
function actorOf(request: FastifyRequest): string {
  const raw = request.headers['x-bulwark-actor'];
  const name = typeof raw === 'string' ? raw.trim().slice(0, 100) : '';
  return /^[\w.@ -]+$/.test(name) ? name : 'operator';
}

/**
 * The incident and action-item JSON API, mounted on the ops server: `/ops/incidents…` and
 * `/ops/actions…`. Reads are open where the ops server lets them be (loopback); every write passes
 * `requireToken`. Alerts come in through `service.onAlert` (the monitor's intake), not here.
 */
export function incidentRoutes(options: IncidentRoutesOptions): FastifyPluginAsync {
  const { service, actions, requireToken } = options;
  const write = { preHandler: requireToken };
  return async (app: FastifyInstance) => {
    installOpsErrors(app);
    app.addContentTypeParser(
      ['text/markdown', 'text/plain'],
      { parseAs: 'string', bodyLimit: options.postmortemLimitBytes ?? 1_048_576 },
      (_request, body, done) => done(null, body),
    );

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/ops/incidents',
      { schema: { querystring: ListQuery } },
      async (request) => ({
        incidents: service.list({
          ...(request.query.status ? { status: request.query.status as IncidentStatus | 'open' } : {}),
          ...(request.query.limit ? { limit: request.query.limit } : {}),
        }),
      }),
    );

    app.get('/ops/incidents/stats', async () =>
      meanTimings(service.list({ status: 'resolved', limit: 1000 })),
    );

    app.post<{ Body: Static<typeof OpenBody> }>(
      '/ops/incidents',
      { ...write, schema: { body: OpenBody } },
      async (request, reply) => {
        const incident = service.open(request.body, actorOf(request));
        return reply.status(201).send({ incident });
      },
    );

    // Deploy pipelines, chaos tools and configuration managers record what they did: it lands on
    // the open incidents' timelines, or waits unattached for one that opens within the lookback.
    app.post<{ Body: Static<typeof EventBody> }>(
      '/ops/incidents/events',
      { ...write, schema: { body: EventBody } },
      async (request, reply) => {
        const { at, data, ...rest } = request.body;
        const event = {
          ...rest,
          at: at ? new Date(at).toISOString() : new Date(service.now()).toISOString(),
          ...(data ? { data } : {}),
        };
        service.onOpsEvent(event);
        return reply.status(202).send({ accepted: event });
      },
    );

    app.get<{ Params: Static<typeof IdParams> }>(
      '/ops/incidents/:id',
      { schema: { params: IdParams } },
      async (request) => service.detail(request.params.id),
    );

    app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof NoteBody> }>(
      '/ops/incidents/:id/notes',
      { ...write, schema: { params: IdParams, body: NoteBody } },
      async (request, reply) =>
        reply
          .status(201)
          .send({ event: service.note(request.params.id, request.body.text, actorOf(request)) }),
    );

    app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof StatusBody> }>(
      '/ops/incidents/:id/status',
      { ...write, schema: { params: IdParams, body: StatusBody } },
      async (request) => ({
        incident: service.transition(
          request.params.id,
          request.body.status,
          actorOf(request),
          request.body.note,
        ),
      }),
    );

    app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ResolveBody> | undefined }>(
      '/ops/incidents/:id/resolve',
      { ...write, schema: { params: IdParams, body: ResolveBody } },
      async (request) => ({
        incident: service.resolve(request.params.id, actorOf(request), request.body?.note),
      }),
    );

    app.post<{ Params: Static<typeof IdParams> }>(
      '/ops/incidents/:id/ack',
      { ...write, schema: { params: IdParams } },
      async (request) => ({ incident: service.acknowledge(request.params.id, actorOf(request)) }),
    );

    app.put<{ Params: Static<typeof RoleParams>; Body: Static<typeof RoleBody> }>(
      '/ops/incidents/:id/roles/:role',
      { ...write, schema: { params: RoleParams, body: RoleBody } },
      async (request) => ({
        incident: service.assignRole(
          request.params.id,
          request.params.role,
          request.body.person,
          actorOf(request),
        ),
      }),
    );

    app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof SeverityBody> }>(
      '/ops/incidents/:id/severity',
      { ...write, schema: { params: IdParams, body: SeverityBody } },
      async (request) => ({
        incident: service.setSeverity(request.params.id, request.body.severity, actorOf(request)),
      }),
    );

    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PostmortemQuery> }>(
      '/ops/incidents/:id/postmortem',
      { schema: { params: IdParams, querystring: PostmortemQuery } },
      async (request, reply) => {
        const pm = service.postmortem(request.params.id);
        const format = request.query.format ?? 'md';
        if (format === 'json') return pm;
        if (format === 'html') {
          const title = `Postmortem of incident ${pm.incidentId}`;
          return reply.type('text/html; charset=utf-8').send(renderPostmortemHtml(pm.markdown, title));
        }
        return reply.type('text/markdown; charset=utf-8').send(pm.markdown);
      },
    );

    app.put<{ Params: Static<typeof IdParams>; Body: unknown }>(
      '/ops/incidents/:id/postmortem',
      { ...write, schema: { params: IdParams } },
      async (request, reply) => {
        const body = request.body;
        const markdown =
          typeof body === 'string'
            ? body
            : body &&
                typeof body === 'object' &&
                typeof (body as { markdown?: unknown }).markdown === 'string'
              ? (body as { markdown: string }).markdown
              : undefined;
        if (markdown === undefined || markdown.trim() === '') {
          return reply.status(422).send({
            errors: {
              markdown: ['send the text as text/markdown, or JSON {"markdown": "..."}; it cannot be blank'],
            },
            code: 'HTTP_ERR_VALIDATION',
            requestId: request.id,
          });
        }
        return service.replacePostmortem(request.params.id, markdown, actorOf(request));
      },
    );

    app.get<{ Querystring: Static<typeof ActionQuery> }>(
      '/ops/actions',
      { schema: { querystring: ActionQuery } },
      async (request) => ({
        actions: actions.list({
          ...(request.query.status ? { status: request.query.status } : {}),
          ...(request.query.overdue !== undefined ? { overdue: request.query.overdue } : {}),
          ...(request.query.incident ? { incidentId: request.query.incident } : {}),
        }),
      }),
    );

    app.post<{ Body: Static<typeof ActionBody> }>(
      '/ops/actions',
      { ...write, schema: { body: ActionBody } },
      async (request, reply) => reply.status(201).send({ action: actions.create(request.body) }),
    );

    app.get<{ Params: Static<typeof IdParams> }>(
      '/ops/actions/:id',
      { schema: { params: IdParams } },
      async (request) => ({ action: actions.get(request.params.id) }),
    );

    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof ActionPatchBody> }>(
      '/ops/actions/:id',
      { ...write, schema: { params: IdParams, body: ActionPatchBody } },
      async (request) => {
        const { item, next } = actions.update(request.params.id, request.body);
        return { action: item, ...(next ? { next } : {}) };
      },
    );

    app.post('/ops/actions/import-seed', write, async () => actions.importSeed());
  };
}
