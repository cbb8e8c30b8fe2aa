import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig, OPTIONS } from '../../config/index.js';
import { BulwarkError } from '../../errors/index.js';
import {
  actionTable,
  errorMessage,
  type IncidentDetail,
  incidentTable,
  incidentText,
  OpsClient,
  type OpsReply,
  opsClientOptions,
} from '../../incident/index.js';
import { EXIT } from '../exit.js';

const USAGE = `usage: bulwark incident <command> [--ops.host H --ops.port P ...]

  list [--status open|investigating|identified|monitoring|resolved]
  show ID
  open --title T --severity SEV1..SEV4 [--summary S]
  note ID TEXT...
  ack ID
  status ID investigating|identified|monitoring [--note TEXT]
  resolve ID [--note TEXT]
  postmortem ID [--format md|html|json] [--out FILE]    print or save the postmortem
  postmortem ID --edit FILE                             replace it with FILE's Markdown
  actions [--status S] [--overdue]                      list action items
  actions add --title T --owner O --type prevent|mitigate|detect|process --priority P1..P4
              [--due YYYY-MM-DD] [--recurrence weekly|monthly|quarterly|yearly] [--incident ID]
  actions done ID | actions update ID [--status S] [--owner O] [--due D] [--priority P]
  actions import-seed                                   import the seed postmortem's eight tasks

The ops API is at ops.host:ops.port; writes send the token of <dataDir>/ops-token or BULWARK_OPS_TOKEN.
`;

const OWN = [
  'status',
  'note',
  'format',
  'out',
  'edit',
  'title',
  'severity',
  'summary',
  'owner',
  'type',
  'priority',
  'due',
  'recurrence',
  'incident',
] as const;

type Values = Record<string, string | boolean | undefined> & {
  help?: boolean;
  overdue?: boolean;
} & Partial<Record<(typeof OWN)[number], string>>;

function parse(argv: string[]): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(OPTIONS.map((o) => [o.path, { type: 'string' as const }])),
        ...Object.fromEntries(OWN.map((name) => [name, { type: 'string' as const }])),
        overdue: { type: 'boolean' as const },
        help: { type: 'boolean' as const },
      },
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    throw new BulwarkError('CONFIG_ERR_INVALID', `invalid arguments: ${(err as Error).message}\n\n${USAGE}`);
  }
}

function idOf(value: string | undefined): number {
  if (!value || !/^\d+$/.test(value))
    throw new BulwarkError(
      'CONFIG_ERR_INVALID',
      `expected an id, got ${JSON.stringify(value ?? '')}\n\n${USAGE}`,
    );
  return Number(value);
}

/** Throws the API's own message for a non-2xx reply. */
function ok(reply: OpsReply): OpsReply {
  if (reply.status >= 200 && reply.status < 300) return reply;
  throw new Error(errorMessage(reply));
}

/** `bulwark incident …`: the incident and action-item commands, through the ops API. */
export async function incidentCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [sub, ...args] = positionals;
  if (values.help || !sub) {
    process.stdout.write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const flags = Object.fromEntries(
    Object.entries(values).filter(([k, v]) => typeof v === 'string' && OPTIONS.some((o) => o.path === k)),
  ) as Record<string, string>;
  const loaded = loadConfig({ flags });
  if (!loaded.ok)
    throw new BulwarkError(
      'CONFIG_ERR_INVALID',
      `invalid configuration:\n  - ${loaded.problems.join('\n  - ')}`,
    );
  const actor = process.env.BULWARK_ACTOR || userInfo().username || 'operator';
  const api = new OpsClient(opsClientOptions(loaded.config, actor));
  const out = (text: string) => process.stdout.write(text);

  switch (sub) {
    case 'list': {
      const query = values.status ? `?status=${encodeURIComponent(values.status)}` : '';
      out(
        incidentTable(
          (ok(await api.call('GET', `/ops/incidents${query}`)).json() as { incidents: never[] }).incidents,
        ),
      );
      return EXIT.ok;
    }
    case 'show':
      out(
        incidentText(ok(await api.call('GET', `/ops/incidents/${idOf(args[0])}`)).json() as IncidentDetail),
      );
      return EXIT.ok;
    case 'open': {
      const body = {
        title: values.title,
        severity: values.severity,
        ...(values.summary ? { summary: values.summary } : {}),
      };
      const reply = ok(await api.call('POST', '/ops/incidents', body)).json() as { incident: { id: number } };
      out(`opened incident ${reply.incident.id}\n`);
      return EXIT.ok;
    }
    case 'note': {
      const id = idOf(args[0]);
      ok(await api.call('POST', `/ops/incidents/${id}/notes`, { text: args.slice(1).join(' ') }));
      out(`noted on incident ${id}\n`);
      return EXIT.ok;
    }
    case 'ack': {
      const id = idOf(args[0]);
      ok(await api.call('POST', `/ops/incidents/${id}/ack`, {}));
      out(`acknowledged incident ${id}\n`);
      return EXIT.ok;
    }
    case 'status': {
      const id = idOf(args[0]);
      ok(
        await api.call('POST', `/ops/incidents/${id}/status`, {
          status: args[1],
          ...(values.note ? { note: values.note } : {}),
        }),
      );
      out(`incident ${id} is ${args[1]}\n`);
      return EXIT.ok;
    }
    case 'resolve': {
      const id = idOf(args[0]);
      ok(await api.call('POST', `/ops/incidents/${id}/resolve`, values.note ? { note: values.note } : {}));
      out(`resolved incident ${id}; postmortem draft: bulwark incident postmortem ${id}\n`);
      return EXIT.ok;
    }
    case 'postmortem': {
      const id = idOf(args[0]);
      if (values.edit) {
        ok(
          await api.call(
            'PUT',
            `/ops/incidents/${id}/postmortem`,
            readFileSync(values.edit, 'utf8'),
            'text/markdown',
          ),
        );
        out(`replaced the postmortem of incident ${id} with ${values.edit}\n`);
        return EXIT.ok;
      }
      const format = values.format ?? 'md';
      const reply = ok(
        await api.call('GET', `/ops/incidents/${id}/postmortem?format=${encodeURIComponent(format)}`),
      );
      if (values.out) {
        writeFileSync(values.out, reply.body);
        out(`wrote ${values.out}\n`);
      } else out(reply.body.endsWith('\n') ? reply.body : `${reply.body}\n`);
      return EXIT.ok;
    }
    case 'actions':
      return actions(api, args, values, out);
    default:
      process.stderr.write(`bulwark incident: unknown command "${sub}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

async function actions(
  api: OpsClient,
  args: string[],
  values: Values,
  out: (text: string) => void,
): Promise<number> {
  const [verb, idText] = args;
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (!verb || verb === 'list') {
    const q = new URLSearchParams();
    if (str('status')) q.set('status', str('status') as string);
    if (values.overdue) q.set('overdue', 'true');
    const reply = ok(await api.call('GET', `/ops/actions${q.size ? `?${q}` : ''}`)).json() as {
      actions: never[];
    };
    out(actionTable(reply.actions));
    return EXIT.ok;
  }
  if (verb === 'import-seed') {
    const r = ok(await api.call('POST', '/ops/actions/import-seed')).json() as {
      imported: never[];
      skipped: number;
    };
    out(`imported ${r.imported.length} of the seed postmortem's tasks (${r.skipped} already there)\n`);
    out(actionTable(r.imported));
    return EXIT.ok;
  }
  if (verb === 'add') {
    const body = {
      title: str('title'),
      owner: str('owner'),
      type: str('type'),
      priority: str('priority'),
      ...(str('due') ? { dueDate: str('due') } : {}),
      ...(str('recurrence') ? { recurrence: str('recurrence') } : {}),
      ...(str('incident') ? { incidentId: idOf(str('incident')) } : {}),
    };
    const r = ok(await api.call('POST', '/ops/actions', body)).json() as { action: never };
    out(actionTable([r.action]));
    return EXIT.ok;
  }
  if (verb === 'done' || verb === 'update') {
    const patch = {
      ...(verb === 'done' ? { status: 'done' } : {}),
      ...(str('status') ? { status: str('status') } : {}),
      ...(str('owner') ? { owner: str('owner') } : {}),
      ...(str('due') ? { dueDate: str('due') } : {}),
      ...(str('priority') ? { priority: str('priority') } : {}),
    };
    const r = ok(await api.call('PATCH', `/ops/actions/${idOf(idText)}`, patch)).json() as {
      action: never;
      next?: never;
    };
    out(actionTable(r.next ? [r.action, r.next] : [r.action]));
    return EXIT.ok;
  }
  process.stderr.write(`bulwark incident actions: unknown command "${verb}"\n\n${USAGE}`);
  return EXIT.usage;
}
