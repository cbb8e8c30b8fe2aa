/**
 * The Prometheus series the exported rules read: OpenTelemetry semantic-convention names in their
 * Prometheus form (dots become underscores, the unit a suffix), as `src/telemetry` registers them.
 */
export const METRICS = {
  /** Histogram, seconds, by http_route, http_request_method, http_response_status_code. */
  httpDuration: 'http_server_request_duration_seconds',
  statusLabel: 'http_response_status_code',
  /** Histogram, seconds: the wait for a database connection. */
  poolWait: 'db_client_connection_wait_time_seconds',
  /** Counter: requests the admission limit turned away, by class. */
  admissionRejections: 'bulwark_admission_rejections_total',
} as const;
