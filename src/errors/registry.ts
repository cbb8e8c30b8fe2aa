/**
 * The one registry of error codes. Callers match on `code`, never on messages. `docs/errors.md`
 * lists the same codes and a test fails when the two disagree.
 */
export const ERRORS = {
  HTTP_ERR_VALIDATION: {
    status: 422,
    retryable: false,
    summary: 'The request body, query or path is invalid.',
  },
  HTTP_ERR_MALFORMED_JSON: { status: 400, retryable: false, summary: 'The request body is not valid JSON.' },
  HTTP_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    summary: 'The request body is not application/json.',
  },
  HTTP_ERR_BODY_TOO_LARGE: {
    status: 413,
    retryable: false,
    summary: 'The request body exceeds http.bodyLimitBytes.',
  },
  HTTP_ERR_NOT_FOUND: { status: 404, retryable: false, summary: 'No route or resource at this path.' },
  HTTP_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    summary: 'The route exists but not with this method.',
  },
  HTTP_ERR_TIMEOUT: { status: 503, retryable: true, summary: 'The request ran past its deadline.' },
  HTTP_ERR_SHUTTING_DOWN: { status: 503, retryable: true, summary: 'The worker is draining for shutdown.' },
  HTTP_ERR_OVERLOADED: {
    status: 503,
    retryable: true,
    summary: "The worker's event loop lags past http.maxEventLoopDelayMs; refused before any work.",
  },
  HTTP_ERR_INTERNAL: {
    status: 500,
    retryable: true,
    summary: 'An unexpected failure; the log holds the detail under the request id.',
  },
  AUTH_ERR_MISSING_TOKEN: {
    status: 401,
    retryable: false,
    summary: 'The route needs a token and none was sent.',
  },
  AUTH_ERR_INVALID_TOKEN: {
    status: 401,
    retryable: false,
    summary: 'The token is malformed, forged or expired.',
  },
  AUTH_ERR_BAD_CREDENTIALS: { status: 401, retryable: false, summary: 'Email or password is wrong.' },
  AUTH_ERR_FORBIDDEN: { status: 403, retryable: false, summary: 'The resource belongs to another user.' },
  SERVICE_ERR_CONFLICT: {
    status: 409,
    retryable: false,
    summary: 'A unique field (username, email) is already taken.',
  },
  DATA_ERR_UNAVAILABLE: {
    status: 503,
    retryable: true,
    summary: 'The database cannot be reached right now.',
  },
  DATA_ERR_QUERY_TIMEOUT: {
    status: 503,
    retryable: true,
    summary: 'A query ran past its statement timeout.',
  },
  DATA_ERR_OVERLOADED: {
    status: 503,
    retryable: true,
    summary: 'No database connection was free in time; the query never ran.',
  },
  DATA_ERR_CANCELLED: {
    status: 503,
    retryable: true,
    summary: 'A running query was cancelled: deadline passed or client went away.',
  },
  INCIDENT_ERR_NOT_FOUND: {
    status: 404,
    retryable: false,
    summary: 'No incident, postmortem or action item with this id.',
  },
  INCIDENT_ERR_INVALID_TRANSITION: {
    status: 409,
    retryable: false,
    summary:
      'The incident cannot move to that status from the one it is in (a resolved incident stays closed).',
  },
  MONITOR_ERR_WARMING_UP: {
    status: 503,
    retryable: true,
    summary: 'The monitor has not finished its first evaluation since start; ask again shortly.',
  },
  OPS_ERR_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    summary: 'An ops write (or a read from off the loopback) without the right ops bearer token.',
  },
  MODERATION_ERR_UNAVAILABLE: {
    status: 0,
    retryable: true,
    summary:
      'The moderation service failed, timed out or its breaker is open; content is accepted and flagged for review.',
  },
  CONFIG_ERR_INVALID: {
    status: 0,
    retryable: false,
    summary: 'The configuration has problems; start-up stops.',
  },
  DATA_ERR_EMBEDDED_START: {
    status: 0,
    retryable: false,
    summary: 'The embedded PostgreSQL could not be initialised or started.',
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Field → messages, the RealWorld error body's shape: `{ errors: { email: ["can't be blank"] } }`. */
export type FieldErrors = Record<string, string[]>;

/**
 * The refusals an overload answers by the thousand a second: counted and summarised, never logged one
 * by one (see the shed log). Their stack says nothing, and capturing it was the largest single cost of
 * a 503 in a spike's CPU profile, so they are built without one.
 */
export const ROUTINE_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  'DATA_ERR_OVERLOADED',
  'DATA_ERR_CANCELLED',
  'HTTP_ERR_OVERLOADED',
]);

/** An error with a stable code; the HTTP error handler turns it into a status and a RealWorld body. */
export class BulwarkError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly fields: FieldErrors;

  constructor(code: ErrorCode, fields: FieldErrors | string, options?: { cause?: unknown }) {
    const entry = ERRORS[code];
    const normalized = typeof fields === 'string' ? { body: [fields] } : fields;
    const stackLimit = Error.stackTraceLimit;
    if (ROUTINE_REFUSALS.has(code)) Error.stackTraceLimit = 0;
    super(Object.values(normalized).flat().join('; ') || entry.summary, options);
    Error.stackTraceLimit = stackLimit;
    this.name = 'BulwarkError';
    this.code = code;
    this.status = entry.status;
    this.retryable = entry.retryable;
    this.fields = normalized;
  }
}
