/**
 * THE list of the differences between Sluice's REST answers and Apache Kafka Connect 4.1's, as
 * measured by connect-parity.test.ts and connect-client.test.ts. Every difference those tests
 * find must match an entry here, and every entry must still match a difference (the tests fail on
 * both), so this file is the measured truth.
 *
 * - `deliberate`: kept on purpose; the reason is the documentation (README table says the same).
 * - `to-fix`: a parity bug found by the test and not fixed yet; listed only so the suite stays
 *   green until it is fixed. Fixing one makes its entry stale: delete the entry then. (None left.)
 *
 * `step` and `path` are globs (`*` = any characters) over the differences' step ids and paths;
 * `connect` and `sluice`, when given, over the values shown (JSON, or `absent`).
 */
export interface DeclaredDifference {
  readonly step: string;
  readonly path: string;
  readonly connect?: string;
  readonly sluice?: string;
  readonly status: 'deliberate' | 'to-fix';
  readonly reason: string;
}

/** Values that differ by nature on any step: only their types are compared. */
export const NATURAL_VALUES: readonly { path: string; reason: string }[] = [
  { path: '*.version', reason: "each product's (and plugin's) own version: Connect 4.1.1, Sluice's packages" },
  { path: '$.commit', reason: "each build's commit" },
  { path: '*.trace', reason: 'Java and JavaScript stack traces' },
  { path: '*.last_modified', reason: 'a timestamp' },
  {
    path: '*plugin.version]*',
    reason: "connector.plugin.version and the converters' versions: the plugin's own (Sluice's converters have none)",
  },
];

const deliberate = (step: string, path: string, reason: string, values: Values = {}): DeclaredDifference => ({
  step,
  path,
  ...values,
  status: 'deliberate',
  reason,
});
type Values = Pick<DeclaredDifference, 'connect' | 'sluice'>;
const PLUGIN_CONFIG = '* /connector-plugins/FileStream*/config*';

export const DECLARED: readonly DeclaredDifference[] = [
  // ---- deliberate ----
  deliberate('GET /connector-plugins', '$[*].class', "a Sluice connector's class is its npm package name"),
  deliberate(
    'GET /connector-plugins*',
    '*.alias',
    "Sluice adds each plugin's short name (what `connector.class` accepts)",
  ),
  deliberate(
    PLUGIN_CONFIG,
    '*name=file]*required',
    "Sluice's file connectors have no stdin/stdout mode: `file` is required",
  ),
  deliberate(
    PLUGIN_CONFIG,
    '*name=*]*documentation',
    "Sluice's FileStream connectors are its own, with their own docs",
  ),
  deliberate(PLUGIN_CONFIG, '*name=*]*order', 'Sluice gives the order of its schema; Connect -1 (none)'),
  deliberate(PLUGIN_CONFIG, '*name=batch.size]*importance', "Sluice's own connector rates its own keys"),
  deliberate(PLUGIN_CONFIG, '*name=poll.interval.ms]', "a key of Sluice's file source that Connect's has not"),
  deliberate(
    'PUT /connectors/{P}-src/config (invalid)',
    '$.message',
    'two errors, as `file` is required in Sluice (above)',
  ),
  deliberate(
    '* (malformed JSON)',
    '*',
    "400 naming the parser's reason: a client error (Connect: 500 with Jackson's text)",
  ),
  deliberate('PATCH /connectors/{P}-src/offsets (offsets not a list)', '*', '400 naming the field (Connect: 500)'),
  deliberate('POST /connectors (bad initial_state)', '*', '400 naming the field (Connect: 500, a Jackson error)'),
  deliberate('POST /connectors (no config)', '*', '400 (Connect: 500, a NullPointerException)'),
  deliberate('PUT /connector-plugins/NoSuchPlugin/config/validate', '*', 'unknown plugin: 404 (Connect: 500)'),
  deliberate('PATCH /connectors/{P}-sink/offsets (negative)', '*', '400 (Connect: 500 when the broker refuses it)'),
  deliberate('GET /connectors/*/tasks', '*task.class', 'Sluice has no task classes; a task config is its own keys'),
  deliberate(
    '* (internal)',
    '*',
    'POST /connectors/{name}/tasks and PUT .../fence are internal to distributed mode; Sluice has none yet (404)',
  ),
  deliberate('* (create)', '$.tasks.length', "answered with the task list, as Connect's standalone herder does", {
    connect: '0',
    sluice: '1',
  }),
  deliberate('POST /connectors (feed)', '$.tasks.length', 'as above', { connect: '0', sluice: '1' }),
  deliberate('POST /connectors (sink)', '$.tasks.length', 'as above', { connect: '0', sluice: '1' }),
  deliberate('client create_connector', '$.tasks.length', 'as above', { connect: '0', sluice: '1' }),
  deliberate('client list_connector_tasks', '*task.class', 'as GET /connectors/*/tasks above'),
  deliberate(
    'PUT /connector-plugins/*/config/validate (no connector.class)',
    '*',
    "400, a client's error (Connect: 500); the config in the message is in the order given, not a Java HashMap's",
  ),

  deliberate(
    '*client overrides)',
    '*override.*].definition.*',
    "the overrides are librdkafka's settings: their definitions come from librdkafka's CONFIGURATION.md (Connect: the Java client's ConfigDef), so types, defaults and importance differ",
  ),
  deliberate(
    '*client overrides)',
    '$.warnings',
    "Sluice's: overrides no client of this connector reads (Connect ignores them silently), and those that weaken delivery",
  ),
  deliberate(
    'GET /connector-plugins?connectorsOnly=false*',
    '$.transformation.SetSchemaMetadata$*',
    'Sluice records carry no Connect schema (the JSON converter infers one as it writes): SetSchemaMetadata would have nothing to set',
  ),
  deliberate(
    'POST /connectors (unknown connector.class)',
    '$.message',
    "Connect's wording; the list that follows is of Sluice's plugins (Connect: Java PluginDesc objects)",
    {
      connect:
        '"Failed to find any class that implements Connector and which name matches NoSuchConnector, available connectors are: *',
      sluice:
        '"Failed to find any class that implements Connector and which name matches NoSuchConnector, available connectors are: *',
    },
  ),
];
