import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeoutFits } from './guarded-db.js';

test("a connection's statement_timeout is kept when it is no laxer than the class wants and no stricter than the request's time left", () => {
  // critical (5 s) with 1 s left, on a connection set for heavy (2 s): kept
  assert.equal(timeoutFits(2_000, 5_000, 1_000), true);
  // heavy (2 s) on a connection set for critical (5 s): too lax, changed
  assert.equal(timeoutFits(5_000, 2_000, 1_000), false);
  // a job with 10 s left on a connection set to 2 s: too strict, changed
  assert.equal(timeoutFits(2_000, 30_000, 10_000), false);
  // unknown (a new connection): always set
  assert.equal(timeoutFits(undefined, 5_000, 1_000), false);
  // no timeout wanted: only a connection without one fits
  assert.equal(timeoutFits(0, 0, 1_000), true);
  assert.equal(timeoutFits(5_000, 0, 1_000), false);
  // a timeout wanted: a connection without one is too lax
  assert.equal(timeoutFits(0, 5_000, 1_000), false);
  // the exact value always fits when the request has no more time than that
  assert.equal(timeoutFits(5_000, 5_000, 5_000), true);
});
