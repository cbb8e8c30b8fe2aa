-- The ops store: what the control plane knows about incidents. It lives beside the application
-- database, never inside it, so it keeps working while that database is the thing that is down.

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
  status TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  opened_by TEXT NOT NULL CHECK (opened_by IN ('alert', 'operator')),
  -- Alertmanager's groupKey (or the alert's fingerprint): one open incident per key.
  dedup_key TEXT,
  summary TEXT NOT NULL DEFAULT '',
  commander TEXT,
  communications TEXT,
  operations TEXT,
  owner_team TEXT,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  escalated_at TEXT,
  started_at TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  acknowledged_at TEXT,
  identified_at TEXT,
  mitigated_at TEXT,
  resolved_at TEXT,
  diagnosis TEXT,
  impact TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX incidents_one_open_per_key ON incidents (dedup_key)
  WHERE status <> 'resolved' AND dedup_key IS NOT NULL;
CREATE INDEX incidents_by_status ON incidents (status, id);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  fingerprint TEXT NOT NULL,
  alertname TEXT NOT NULL,
  group_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT,
  fire_count INTEGER NOT NULL DEFAULT 1,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  UNIQUE (incident_id, fingerprint)
);
CREATE INDEX alerts_by_fingerprint ON alerts (fingerprint);

-- Events with no incident yet are kept too: an incident opened later pulls in what happened just
-- before it (the fault injected, the deploy), which is where its onset usually is.
CREATE TABLE timeline_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER REFERENCES incidents (id),
  at TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL,
  data TEXT,
  recorded_at TEXT NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline_events (incident_id, at, id);
CREATE INDEX timeline_by_time ON timeline_events (at);

CREATE TABLE action_items (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER REFERENCES incidents (id),
  title TEXT NOT NULL,
  owner TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('prevent', 'mitigate', 'detect', 'process')),
  priority TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  due_date TEXT NOT NULL,
  recurrence TEXT CHECK (recurrence IN ('weekly', 'monthly', 'quarterly', 'yearly')),
  status TEXT NOT NULL CHECK (status IN ('open', 'in-progress', 'done', 'wont-do')),
  -- Where an imported item came from (e.g. 'seed:3'), so an import run twice adds nothing.
  origin TEXT UNIQUE,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX action_items_by_status ON action_items (status, due_date);

CREATE TABLE postmortems (
  incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
  markdown TEXT NOT NULL,
  draft TEXT NOT NULL,
  created_at TEXT NOT NULL,
  edited_at TEXT
);

CREATE TABLE notification_deliveries (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER REFERENCES incidents (id),
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  target TEXT NOT NULL,
  url TEXT NOT NULL,
  ok INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX deliveries_by_incident ON notification_deliveries (incident_id, id);
