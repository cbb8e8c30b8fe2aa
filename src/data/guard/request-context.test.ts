import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentRequestContext, runWithRequestContext } from './request-context.js';

test('the request context is seen by code awaited deep inside the request, and not outside it', async () => {
  const ctx = { deadline: 5_000, queryClass: 'heavy' } as const;
  const deep = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return currentRequestContext();
  };
  assert.equal(await runWithRequestContext(ctx, deep), ctx);
  assert.equal(currentRequestContext(), undefined);
});

test('concurrent requests each see their own context', async () => {
  const seen = await Promise.all(
    (['critical', 'heavy', 'background'] as const).map((queryClass, i) =>
      runWithRequestContext({ deadline: i, queryClass }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 3 - i));
        return currentRequestContext()?.queryClass;
      }),
    ),
  );
  assert.deepEqual(seen, ['critical', 'heavy', 'background']);
});
