// Two workers, each with its own in-process cache (the default `npm start` on a multi-core machine):
// once a write is acknowledged, no worker serves the result from before it. Each read goes over a
// connection of its own, so the cluster spreads them over both workers; the log lines say which
// worker answered each request and whether it ran any query (none: the cache answered).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { callApi } from '../support/api-client.js';
import { type LogLine, type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

let stack: SpawnedStack;

before(async () => {
  stack = await spawnStack();
  await stack.waitFor((l) => l.msg === 'bulwark is up');
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
});

let requests = 0;

/** One GET of the article on a fresh connection; returns its body text and the request id sent. */
async function readOnFreshConnection(slug: string): Promise<{ body: string; reqId: string }> {
  const reqId = `cache-workers-${++requests}`;
  const agent = new Agent({ connections: 1 });
  try {
    const res = await request(`${stack.baseUrl}/api/articles/${slug}`, {
      dispatcher: agent,
      headers: { 'x-request-id': reqId },
    });
    assert.equal(res.statusCode, 200);
    const json = (await res.body.json()) as { article: { body: string } };
    return { body: json.article.body, reqId };
  } finally {
    await agent.close();
  }
}

test('after a write is acknowledged, neither worker serves the article from before it', {
  timeout: 120_000,
}, async () => {
  const user = await callApi(stack.baseUrl, 'POST', '/users', undefined, {
    user: { username: 'cacheworkers', email: 'cache-workers@example.com', password: 'a long passphrase' },
  });
  assert.equal(user.status, 201);
  const token = user.body.user.token as string;
  const created = await callApi(stack.baseUrl, 'POST', '/articles', token, {
    article: { title: 'Two caches', description: 'one truth', body: 'version 0' },
  });
  assert.equal(created.status, 201);
  const slug = created.body.article.slug as string;

  const rounds = 20;
  const warmIds: string[] = [];
  const checkIds: string[] = [];
  const stale: string[] = [];
  for (let v = 1; v <= rounds; v++) {
    // Both workers hold version v-1 in their caches…
    for (let i = 0; i < 4; i++) warmIds.push((await readOnFreshConnection(slug)).reqId);
    // …one of them takes the write…
    const put = await callApi(stack.baseUrl, 'PUT', `/articles/${slug}`, token, {
      article: { body: `version ${v}` },
    });
    assert.equal(put.status, 200);
    // …and from the acknowledgement on, every read on either worker has it.
    for (let i = 0; i < 4; i++) {
      const read = await readOnFreshConnection(slug);
      checkIds.push(read.reqId);
      if (read.body !== `version ${v}`) stale.push(`round ${v}: read "${read.body}"`);
    }
  }
  assert.deepEqual(stale, [], 'no read returned an article older than the acknowledged write');

  // Lines come in batches, up to 100 ms after their requests.
  const lineOf = new Map<string, LogLine>();
  const all = [...warmIds, ...checkIds];
  await stack.waitFor(() => {
    for (const l of stack.logs) if (typeof l.reqId === 'string') lineOf.set(l.reqId, l);
    return all.every((id) => lineOf.has(id));
  }, 10_000);
  const pids = (ids: string[], pick: (l: LogLine) => boolean = () => true) =>
    new Set(
      ids
        .map((id) => lineOf.get(id) as LogLine)
        .filter(pick)
        .map((l) => l.pid),
    );
  // The test means something only if both workers answered from their caches before the writes
  // and both answered the reads after them.
  assert.equal(pids(warmIds, (l) => l.queries === 0).size, 2, 'both workers served cache hits');
  assert.equal(pids(checkIds).size, 2, 'both workers served the reads after the writes');
});

test('a worker stopped while another takes a write neither delays the write nor serves the old article when it resumes', {
  timeout: 60_000,
}, async () => {
  const user = await callApi(stack.baseUrl, 'POST', '/users', undefined, {
    user: { username: 'cachestall', email: 'cache-stall@example.com', password: 'a long passphrase' },
  });
  const token = user.body.user.token as string;
  const created = await callApi(stack.baseUrl, 'POST', '/articles', token, {
    article: { title: 'Written while a worker sleeps', description: 'd', body: 'before' },
  });
  const slug = created.body.article.slug as string;
  const warm: string[] = [];
  for (let i = 0; i < 4; i++) warm.push((await readOnFreshConnection(slug)).reqId);

  // One kept-alive connection: every request on it goes to the same worker, the writer.
  const agent = new Agent({ connections: 1 });
  const call = async (method: 'GET' | 'PUT', path: string, reqId: string, body?: unknown) => {
    const res = await request(`${stack.baseUrl}/api${path}`, {
      method,
      dispatcher: agent,
      headers: {
        authorization: `Token ${token}`,
        'x-request-id': reqId,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await res.body.dump();
    return res.statusCode;
  };
  try {
    assert.equal(await call('GET', '/user', 'stall-whoami'), 200);
    const writerPid = (await stack.waitFor((l) => l.reqId === 'stall-whoami', 5_000)).pid;
    const workers = stack.logs.filter((l) => l.msg === 'worker listening').map((l) => l.workerPid);
    assert.equal(workers.length, 2);
    const sleeper = workers.find((pid) => pid !== writerPid) as number;
    const lines = await Promise.all(warm.map((id) => stack.waitFor((l) => l.reqId === id, 5_000)));
    assert.ok(
      lines.some((l) => l.pid === sleeper && l.queries === 0),
      'the worker about to be stopped holds the article in its cache',
    );

    process.kill(sleeper, 'SIGSTOP');
    let status: number;
    let ms: number;
    try {
      const started = performance.now();
      status = await call('PUT', `/articles/${slug}`, 'stall-write', { article: { body: 'after' } });
      ms = performance.now() - started;
    } finally {
      process.kill(sleeper, 'SIGCONT');
    }
    assert.equal(status, 200);
    assert.ok(ms < 1_000, `the write waited for no other worker: ${ms.toFixed(0)} ms`);
  } finally {
    await agent.close();
  }
  const after: string[] = [];
  for (let i = 0; i < 6; i++) {
    const read = await readOnFreshConnection(slug);
    assert.equal(read.body, 'after');
    after.push(read.reqId);
  }
  const served = await Promise.all(after.map((id) => stack.waitFor((l) => l.reqId === id, 5_000)));
  assert.equal(new Set(served.map((l) => l.pid)).size, 2, 'both workers answered after the write');
});
