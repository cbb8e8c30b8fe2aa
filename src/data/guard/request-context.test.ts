import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  currentRequestScope,
  currentRequestTiming,
  newRequestTiming,
  runWithRequestTiming,
} from '../../telemetry/index.js';
import { currentRequestContext, joinRequestContext, runWithRequestContext } from './request-context.js';

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

test("joined inside the telemetry hook's scope, the context shares that one scope with the timing", async () => {
  const timing = newRequestTiming();
  const ctx = { deadline: 5_000, queryClass: 'critical' } as const;
  const seen = await runWithRequestTiming(timing, () => {
    const scope = currentRequestScope();
    return new Promise<unknown[]>((resolve) =>
      joinRequestContext(ctx, () => {
        void (async () => {
          await new Promise((r) => setTimeout(r, 1));
          resolve([currentRequestScope() === scope, currentRequestContext(), currentRequestTiming()]);
        })();
      }),
    );
  });
  assert.deepEqual(seen, [true, ctx, timing]);
});

test('joined outside any scope, or where a context is set already, the context gets a scope of its own', async () => {
  const outer = { deadline: 1, queryClass: 'heavy' } as const;
  const inner = { deadline: 2, queryClass: 'background' } as const;
  const seen: unknown[] = [];
  joinRequestContext(outer, () => {
    seen.push(currentRequestContext());
    joinRequestContext(inner, () => seen.push(currentRequestContext()));
    seen.push(currentRequestContext());
  });
  assert.deepEqual(seen, [outer, inner, outer]);
  assert.equal(currentRequestContext(), undefined);
});
