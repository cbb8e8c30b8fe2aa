// Small fixed vocabularies for the demo text, kept as one string per list so the formatter leaves
// them compact. Order matters: the seed picks by index, so editing a list changes the dataset (and
// the checksums the tests compare), which should be deliberate.

const words = (text: string): readonly string[] => Object.freeze(text.trim().split(/\s+/));
const phrases = (text: string): readonly string[] =>
  Object.freeze(
    text
      .split('|')
      .map((p) => p.trim())
      .filter(Boolean),
  );

/** Tag words, most popular first: tag id 1 gets the most articles. */
export const TAG_WORDS = words(`
  programming javascript webdev tutorial productivity career python react devops beginners
  typescript node database postgres security testing design architecture cloud kubernetes docker
  linux opensource performance rust go java css html api graphql rest microservices monitoring
  observability sre incident postmortem scaling caching redis kafka machinelearning ai data
  analytics mobile android ios swift kotlin frontend backend fullstack startup management
  leadership remote writing books music travel cooking photography gaming health fitness science
  history philosophy economics finance crypto blockchain hardware embedded networking dns http
  browsers accessibility ux vim emacs git ci refactoring algorithms math compilers functional
  elixir haskell ruby rails django flask spring dotnet csharp php laravel
`);

export const FIRST_NAMES = words(`
  ada alan grace linus margaret dennis barbara ken frances donald radia edsger katherine john hedy
  tim annie guido sophie bjarne joan james mary niklaus karen leslie lynn brian jean david carol
  robert shafi whitfield anita vint evelyn larry susan yukihiro rosalind martin elena rob valerie
  andrew nora paul irene peter
`);

export const LAST_NAMES = words(`
  lovelace turing hopper torvalds hamilton ritchie liskov thompson allen knuth perlman dijkstra
  johnson backus lamarr lee easley rossum wilson stroustrup clarke gosling keller wirth jones
  lamport conway kernighan sammet patterson shaw floyd goldwasser diffie borg cerf boyd page kare
  matsumoto picard fowler ivanova pike taylor tanenbaum berg graham greif naur
`);

/** Title vocabulary, combined by the templates in `load-articles.ts`. */
export const TITLE_VERBS = words(`
  train build scale debug test ship design tame refactor deploy monitor profile cache secure index
  migrate document review measure automate
`);

export const TITLE_ADJECTIVES = words(`
  your reliable fast boring resilient tiny legacy modern distributed reactive simple hidden slow
  painless pragmatic elegant unexpected practical serverless stateful
`);

export const TITLE_NOUNS = words(`
  dragon services queries pipelines teams databases caches tests apis queues indexes deployments
  dashboards monoliths clusters workers schemas outages migrations postmortems
`);

/** Sentence parts: subject, verb, object, ending; 16 of each make 65,536 distinct sentences. */
export const SUBJECTS = phrases(`
  The team | Our service | This approach | A small change | The database | Every request |
  The new cache | My first attempt | The load test | A careful review | The old design |
  The on-call engineer | The index | A single query | The connection pool | The deploy
`);

export const VERBS = words(`
  reduced revealed doubled simplified broke explained improved hid changed measured exposed fixed
  slowed protected surprised outlived
`);

export const OBJECTS = phrases(`
  the p99 latency | a hidden bottleneck | our error budget | the whole pipeline | the nightly batch |
  three weeks of work | the slowest endpoint | every page load | the retry storm | a missing index |
  the queue depth | our assumptions | the rollout | the memory footprint | the test suite |
  the feed query
`);

export const ENDINGS = phrases(`
  in production | under load | by a factor of ten | without anyone noticing | on a Friday |
  before lunch | at the worst moment | for good | in the staging cluster | overnight |
  after the migration | with one line | as expected | once again | during the spike | in the end
`);
