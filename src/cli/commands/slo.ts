import { prometheusRuleYaml } from '../../monitor/index.js';
import { EXIT } from '../exit.js';
import { configFromArgv } from '../load-config.js';

/** `bulwark slo export`: the SLO alerts as a PrometheusRule (YAML) on stdout. */
export async function sloCommand(argv: string[]): Promise<number> {
  const { config, positionals } = configFromArgv(argv);
  if (positionals[0] !== 'export' || positionals.length !== 1) {
    process.stderr.write('usage: bulwark slo export [--slo.availabilityTarget 0.999 ...] > rules.yaml\n');
    return EXIT.usage;
  }
  process.stdout.write(prometheusRuleYaml(config.slo));
  return EXIT.ok;
}
