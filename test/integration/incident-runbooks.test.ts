import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RUNBOOK_ALERTS, runbookFor, SEVERITY_CRITERIA } from '../../src/incident/index.js';
import { ALERT_NAMES, runbookUrl } from '../../src/monitor/index.js';

const SECTIONS = ['## What it means', '## Confirm', '## Mitigate', '## Escalate'];

test('every alert the monitor can fire has a runbook that says what it means, how to confirm, mitigate and escalate', () => {
  assert.deepEqual([...RUNBOOK_ALERTS], [...ALERT_NAMES]);
  const problems: string[] = [];
  for (const alert of ALERT_NAMES) {
    const path = runbookFor(alert);
    assert.equal(path, runbookUrl(alert), 'the alert and the incident link the same runbook');
    if (!existsSync(path)) {
      problems.push(`${alert}: no ${path}`);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith(`# ${alert}\n`)) problems.push(`${path}: must start with "# ${alert}"`);
    for (const s of SECTIONS) if (!text.includes(`\n${s}\n`)) problems.push(`${path}: no "${s}" section`);
  }
  assert.deepEqual(problems, []);
});

test('the incident-response procedure covers severities, roles, escalation and communication', () => {
  const text = readFileSync('docs/incident-response.md', 'utf8');
  for (const s of ['## Severities', '## Roles', '## Escalation', '## Communication']) {
    assert.ok(text.includes(`\n${s}\n`), `missing ${s}`);
  }
  for (const [sev, criteria] of Object.entries(SEVERITY_CRITERIA)) {
    assert.ok(text.includes(`| ${sev} | ${criteria} |`), `${sev}'s criteria differ from the code's`);
  }
  assert.equal(runbookFor('SomethingElse'), 'docs/incident-response.md');
});
