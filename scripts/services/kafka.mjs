// Apache Kafka 4.x, one combined broker + controller (KRaft) on 127.0.0.1, from Maven jars.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cached, envPort, findJava, logsDir, repoRoot, runMaven, servicesDir, startDetached } from './common.mjs';
import { kafkaBrokerCount } from './kafka-probe.mjs';

const home = path.join(servicesDir, 'kafka');
const libs = path.join(home, 'libs');
const dataDir = path.join(home, 'data');
const configFile = path.join(home, 'server.properties');
const log4jFile = path.join(home, 'log4j2.properties');
const port = envPort('SLUICE_KAFKA_PORT', 9092);
const controllerPort = envPort('SLUICE_KAFKA_CONTROLLER_PORT', 9093);

const serverProperties = () => `# written by scripts/services/kafka.mjs
node.id=1
process.roles=broker,controller
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=1@127.0.0.1:${controllerPort}
log.dirs=${dataDir}
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
`;

const log4jProperties = `# written by scripts/services/kafka.mjs: INFO to stdout (the service log)
appender.out.type=Console
appender.out.name=STDOUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=STDOUT
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.state.name=state.change.logger
logger.state.level=WARN
`;

export const kafka = {
  name: 'kafka',
  marker: 'kafka.Kafka',
  pidFile: path.join(home, 'kafka.pid'),
  logFile: path.join(logsDir, 'kafka.log'),
  ports: [
    ['SLUICE_KAFKA_PORT', port],
    ['SLUICE_KAFKA_CONTROLLER_PORT', controllerPort],
  ],
  envVar: 'KAFKA_BOOTSTRAP_SERVERS',
  address: `127.0.0.1:${port}`,
  startTimeoutMs: 90_000,
  stopGraceMs: 30_000,

  install() {
    return cached(path.join(libs, '.complete'), () => {
      runMaven('kafka', path.join(repoRoot, 'scripts', 'services', 'kafka'), [
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
        '-DincludeScope=runtime',
      ]);
    });
  },

  start() {
    const { java } = findJava();
    fs.writeFileSync(configFile, serverProperties());
    fs.writeFileSync(log4jFile, log4jProperties);
    const classpath = `${libs}/*`;
    const jvm = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${log4jFile}`];
    formatStorageOnce(java, classpath, jvm);
    return startDetached(java, [...jvm, '-cp', classpath, 'kafka.Kafka', configFile], {
      logFile: this.logFile,
      cwd: home,
    });
  },

  async healthy() {
    return (await kafkaBrokerCount('127.0.0.1', port)) > 0;
  },
};

/** KRaft needs its log directory formatted with a cluster id once, before the first start. */
function formatStorageOnce(java, classpath, jvm) {
  if (fs.existsSync(path.join(dataDir, 'meta.properties'))) return;
  const clusterId = crypto.randomBytes(16).toString('base64url');
  const args = [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', configFile];
  const result = spawnSync(java, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`formatting Kafka storage failed:\n${result.stdout}${result.stderr}`);
  }
}
