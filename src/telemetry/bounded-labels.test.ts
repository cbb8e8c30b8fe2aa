import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedLabels, OTHER_LABEL } from './bounded-labels.js';

test('values past the bound share "other", and values seen before keep their own label', () => {
  const labels = new BoundedLabels(2);
  assert.equal(labels.label('a'), 'a');
  assert.equal(labels.label('b'), 'b');
  assert.equal(labels.label('c'), OTHER_LABEL);
  assert.equal(labels.label('a'), 'a');
  for (let i = 0; i < 1000; i++) labels.label(`x${i}`);
  assert.equal(labels.size, 2);
  assert.equal(labels.label('b'), 'b');
});
