import { type Static, Type } from '@sinclair/typebox';

/**
 * Every option Bulwark reads, with its default and its documentation. `docs/config.md` is generated
 * from this schema (see `bulwark config --markdown`) and a test fails when the two disagree.
 */
const Int = (def: number, description: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({
      default: '.bulwark',
      minLength: 1,
      description: 'Directory for everything Bulwark keeps: the embedded database, the JWT secret, reports.',
    }),
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address the API listens on.' }),
        port: Int(3000, 'Port of the Conduit API.', 0, 65535),
        bodyLimitBytes: Int(1_048_576, 'Largest request body accepted; larger bodies get 413.', 1024),
        requestTimeoutMs: Int(
          30_000,
          'A client must send its whole request within this time (a slow-sender guard).',
          100,
        ),
        shutdownGraceMs: Int(10_000, 'How long a worker drains in-flight requests on SIGTERM.', 0),
        maxEventLoopDelayMs: Int(
          100,
          "Hardened profile: refuse new requests with 503 while the worker's mean event-loop delay (over 100 ms) exceeds this; 0 turns it off.",
          0,
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    workers: Int(0, 'HTTP worker processes; 0 means one per CPU core.', 0, 256),
    database: Type.Object(
      {
        url: Type.String({
          default: '',
          description: 'PostgreSQL connection URL. Empty: start the embedded server under dataDir.',
        }),
        embeddedPort: Int(
          54320,
          'Port of the embedded PostgreSQL (never 5432, to stay clear of a system one).',
          1024,
          65535,
        ),
        poolMax: Int(0, 'Connections per worker; 0 divides 2 x DB cores + 1 among the workers.', 0, 1000),
        embeddedNice: Int(
          10,
          "Hardened profile: nice value of the embedded PostgreSQL's processes, so that on a shared machine the HTTP workers get the CPU first (the guard already bounds the database's work); 0 keeps it equal.",
          0,
          19,
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    profile: Type.Union([Type.Literal('hardened'), Type.Literal('pre-incident')], {
      default: 'hardened',
      description:
        "hardened: guard, cache, every index. pre-incident: the seed's stack (pg.Pool defaults, no timeouts, no cache, no admission, the list indexes dropped), for drills.",
    }),
    guard: Type.Object(
      {
        requestBudgetMs: Int(
          1_000,
          "A request's deadline: past it, waiting for or running a query gives 503.",
          10,
        ),
        refuseOnArrival: Type.Boolean({
          default: true,
          description:
            'Refuse a request on arrival, before parsing and authentication, when its route nearly always needs the database and the guard would refuse its first query.',
        }),
        codelTargetMs: Int(
          25,
          'Queueing delay above which a queue stands (CoDel target; a lane whose queries hold a connection longer uses one hold time); under a standing queue a waiter is shed after guard.shedAfterMs at most.',
          1,
        ),
        shedAfterMs: Int(
          10,
          'Under a standing queue, the longest a waiter let in waits before it is refused (503): what a refusal costs its client at most, whatever the target or the hold time.',
          1,
        ),
        codelIntervalMs: Int(
          100,
          'Window over which the queueing delay must stay above target (CoDel interval); also the longest wait a newcomer is let in for while the queue drains.',
          10,
        ),
        heavyShare: Type.Number({
          default: 0.5,
          minimum: 0.05,
          maximum: 1,
          description: 'Fraction of the connections that listings and the feed may hold when others wait.',
        }),
        heavyCpuShare: Type.Number({
          default: 0.5,
          minimum: 0,
          maximum: 1,
          description:
            "Fraction of the database's cores that listings and the feed may keep busy while critical queries run (0: no time cap, slots only).",
        }),
        heavyCpuShareOverloaded: Type.Number({
          default: 0.25,
          minimum: 0.01,
          maximum: 1,
          description:
            'The same fraction while critical requests are being refused (their queue stands), so that heavy yields more of the database to them; unused when guard.heavyCpuShare is 0.',
        }),
        backgroundShare: Type.Number({
          default: 0.2,
          minimum: 0.05,
          maximum: 1,
          description: 'Fraction of the connections that background work may hold when others wait.',
        }),
        criticalStatementTimeoutMs: Int(5_000, 'statement_timeout for auth, writes and article reads.', 0),
        heavyStatementTimeoutMs: Int(2_000, 'statement_timeout for listings and the feed.', 0),
        connectionReserve: Int(10, 'Connections of max_connections kept free for operators and tools.', 0),
      },
      { additionalProperties: false, default: {} },
    ),
    cache: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'Cache hot reads (articles, profiles, tags, first list pages).',
        }),
        maxBytes: Int(64 * 1024 * 1024, 'Memory bound of the in-process cache.', 1024),
        redisUrl: Type.String({
          default: '',
          description:
            'Redis URL: share the cache among processes and hosts. Empty: each worker caches in memory, and the workers of one machine share the table versions.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        jwtSecret: Type.String({
          default: '',
          description: 'HMAC secret for tokens. Empty: generated once and kept in dataDir/jwt-secret.',
        }),
        tokenTtlSeconds: Int(86_400, 'Lifetime of an issued token.', 60),
      },
      { additionalProperties: false, default: {} },
    ),
    api: Type.Object(
      {
        defaultLimit: Int(20, 'Page size when a list request gives no limit.', 1, 100),
        maxLimit: Int(100, 'Largest accepted `limit`; larger values get 422.', 1, 1000),
        maxOffset: Int(1_000_000, 'Largest accepted `offset`; larger values get 422.', 0),
      },
      { additionalProperties: false, default: {} },
    ),
    seed: Type.Object(
      {
        onFirstStart: Type.Boolean({
          default: true,
          description: 'Load the demo dataset when the database is empty.',
        }),
        users: Int(10_000, 'Demo users.', 1),
        articles: Int(100_000, 'Demo articles.', 1),
        follows: Int(100_000, 'Demo follow edges.', 0),
        favorites: Int(500_000, 'Demo favorites.', 0),
        comments: Int(200_000, 'Demo comments.', 0),
        tags: Int(1_000, 'Demo tags.', 1),
      },
      { additionalProperties: false, default: {} },
    ),
    incident: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Open incidents from alerts, keep their timelines in dataDir/ops.sqlite, draft postmortems.',
        }),
        webhooks: Type.String({
          default: '',
          description:
            'Comma-separated URLs that receive every incident notification (JSON POST). Empty: the log only.',
        }),
        teamWebhooks: Type.Record(Type.String(), Type.String(), {
          default: {},
          description:
            'Team name → URL paged for that team (config file only), e.g. {"database": "https://…"}.',
        }),
        owners: Type.Record(Type.String(), Type.String(), {
          default: {
            'db.*': 'database',
            dependency: 'platform',
            'worker.*': 'application',
            cache: 'application',
          },
          description:
            "Diagnosis component pattern → owning team (config file only): the top suspect's owner is paged at once.",
        }),
        defaultTeam: Type.String({
          default: 'application',
          minLength: 1,
          description: 'Team paged first when the diagnosis names no suspect yet.',
        }),
        escalation: Type.Array(
          Type.Object(
            {
              afterMinutes: Type.Number({ minimum: 0 }),
              targets: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
            },
            { additionalProperties: false },
          ),
          {
            minItems: 1,
            default: [
              { afterMinutes: 0, targets: ['owner'] },
              { afterMinutes: 15, targets: ['owner', 'application'] },
              { afterMinutes: 30, targets: ['engineering-lead'] },
            ],
            description:
              'Escalation levels (config file only): who is paged once an incident is unacknowledged this long; "owner" is the owning team.',
          },
        ),
        autoResolveMinutes: Type.Number({
          default: 10,
          minimum: 0,
          description:
            'An alert-opened incident whose alerts have all resolved is resolved after this long in monitoring; 0: only by hand.',
        }),
        groupWindowMinutes: Type.Number({
          default: 5,
          minimum: 0,
          description:
            'An alert of another group that fires within this long of an alert-opened incident joins it (one outage, one incident); 0: group keys only.',
        }),
        impairedShare: Type.Number({
          default: 0.2,
          exclusiveMinimum: 0,
          maximum: 1,
          description:
            'A second in which at least this share of requests failed or were slow is impaired: the impact window ends with the last one before mitigation.',
        }),
        lookbackMinutes: Type.Number({
          default: 15,
          minimum: 0,
          description:
            'Events this long before an incident opens (a fault injected, a deploy) join its timeline.',
        }),
        notifyTimeoutMs: Int(
          5_000,
          'A webhook that has not answered in this time counts as a failed delivery.',
          100,
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    slo: Type.Object(
      {
        availabilityTarget: Type.Number({
          default: 0.999,
          exclusiveMinimum: 0,
          exclusiveMaximum: 1,
          description: 'Share of requests that must succeed (not 5xx) over the SLO period.',
        }),
        latencyTarget: Type.Number({
          default: 0.99,
          exclusiveMinimum: 0,
          exclusiveMaximum: 1,
          description: 'Share of requests that must complete under slo.latencyThresholdMs.',
        }),
        latencyThresholdMs: Int(
          300,
          "The latency objective's bound (a bucket bound of the request histogram).",
          1,
        ),
        timeScale: Type.Number({
          default: 1,
          minimum: 1,
          maximum: 100_000,
          description:
            'Divides every alert window and `for` duration, so a drill sees in minutes what production sees in hours.',
        }),
        minRequests: Int(
          100,
          'A burn-rate alert needs at least this many requests in its long window (a quiet hour is no outage).',
          1,
        ),
        poolWaitP95Ms: Int(100, 'Saturation alert: p95 wait for a database connection above this.', 1),
        rejectionsPerSecond: Type.Number({
          default: 1,
          minimum: 0,
          description: 'Saturation alert: admission rejections (503 before any work) per second above this.',
        }),
        evaluateIntervalMs: Int(5_000, 'How often the supervisor evaluates SLOs and the diagnosis.', 250),
      },
      { additionalProperties: false, default: {} },
    ),
    alerts: Type.Object(
      {
        webhookUrls: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description:
            'Alertmanager-style receivers: each alert change is POSTed there (webhook payload version 4).',
        }),
        timeoutMs: Int(5_000, 'Timeout of one webhook delivery attempt.', 100),
        retries: Int(2, 'Further attempts after a failed delivery (with doubling backoff).', 0, 10),
        externalUrl: Type.String({
          default: '',
          description: "URL of this Bulwark's console, sent as externalURL and generatorURL.",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    ops: Type.Object(
      {
        host: Type.String({
          default: '127.0.0.1',
          minLength: 1,
          description: 'Address of the ops server (metrics, incidents, diagnosis); loopback by default.',
        }),
        port: Int(9464, 'Port of the ops server; 0 picks a free one.', 0, 65535),
        token: Type.String({
          default: '',
          description: 'Bearer token for ops writes. Empty: generated once and kept in dataDir/ops-token.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    moderation: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'Check new articles and comments with the moderation service.',
        }),
        url: Type.String({
          default: '',
          description: 'Moderation service base URL. Empty: the supervisor starts a local one on loopback.',
        }),
        port: Int(0, 'Port of the local moderation service; 0 picks a free one.', 0, 65535),
        timeoutMs: Int(300, 'A moderation call past this time is a failure (accept and flag for review).', 1),
        breakerFailures: Int(5, 'Consecutive moderation failures that open the circuit breaker.', 1),
        breakerResetMs: Int(
          10_000,
          'How long the open breaker skips the service before one trial call.',
          100,
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    telemetry: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Metrics, the per-request log line and traces (when OTEL_EXPORTER_OTLP_ENDPOINT is set); off only to measure their cost.',
        }),
        queryFingerprints: Int(
          50,
          'Query fingerprints with a metric series of their own; later ones count under "other".',
          1,
          1000,
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info', description: 'pino log level.' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type Config = Static<typeof ConfigSchema>;

/** Environment variables with conventional names; every other option is `BULWARK_<PATH>`. */
export const ENV_ALIASES: Record<string, string> = {
  DATABASE_URL: 'database.url',
  PORT: 'http.port',
  HOST: 'http.host',
  JWT_SECRET: 'auth.jwtSecret',
  LOG_LEVEL: 'log.level',
  REDIS_URL: 'cache.redisUrl',
};
