import cluster from 'node:cluster';
import { MODERATION_ROLE, MODERATION_ROLE_ENV } from '../moderation/index.js';
import { EXIT, fail } from './exit.js';

const COMMANDS: Record<
  string,
  { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }
> = {
  start: {
    summary: 'start the stack: database, migrations, demo data on first start, HTTP workers',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  config: {
    summary: 'print the effective configuration (--markdown: the option reference)',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  migrate: {
    summary: 'apply pending database migrations and exit',
    load: async () => (await import('./commands/migrate.js')).migrateCommand,
  },
  incident: {
    summary:
      'incidents, postmortems and action items through the ops API (list, show, note, resolve, postmortem, actions)',
    load: async () => (await import('./commands/incident.js')).incidentCommand,
  },
  seed: {
    summary: 'load the demo dataset (--users N --articles N ... --force)',
    load: async () => (await import('./commands/seed.js')).seedCommand,
  },
  load: {
    summary: 'run a load scenario (open model) with thresholds and reports (--ceiling: the generator)',
    load: async () => (await import('./commands/load.js')).loadCommand,
  },
  drill: {
    summary: 'replay the seed incident on the pre-incident and the hardened stack (seed-incident)',
    load: async () => (await import('./commands/drill.js')).drillCommand,
  },
  diagnose: {
    summary: "the running stack's bottleneck diagnosis, from its ops server (--json)",
    load: async () => (await import('./commands/diagnose.js')).diagnoseCommand,
  },
  slo: {
    summary: 'export the SLO alerts as a PrometheusRule (slo export > rules.yaml)',
    load: async () => (await import('./commands/slo.js')).sloCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`);
  return `usage: bulwark <command> [--option value ...]\n\ncommands:\n${lines.join('\n')}\n\nOptions are the dotted names of \`bulwark config\`, e.g. --http.port 3001 --workers 2.\n`;
}

async function main(argv: string[]): Promise<number> {
  if (cluster.isWorker) {
    const { runWorker } = await import('../scale/index.js');
    try {
      await runWorker();
    } catch (err) {
      // A worker that cannot start must exit: the supervisor reports it and stops start-up.
      process.exit(fail(err));
    }
    return -1; // keep running; the worker exits by itself on shutdown
  }
  if (process.env[MODERATION_ROLE_ENV] === MODERATION_ROLE) {
    const { runModerationChild } = await import('../moderation/index.js');
    const { opsTokenCheck } = await import('../console/index.js');
    await runModerationChild(opsTokenCheck);
    return -1; // keep serving; the process exits when the supervisor stops it
  }
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`bulwark: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  return (await command.load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = fail(err);
  },
);
