// The MongoDB-wire emulator (mongo-java-server with its oplog, so change streams work) as the
// primary of a one-member replica set `rs0` on 127.0.0.1. No real mongod can be installed on
// these machines; see README "Local services" for what the emulator does and does not do.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cached, envPort, findJava, logsDir, repoRoot, runMaven, servicesDir, startDetached } from './common.mjs';

const source = path.join(repoRoot, 'scripts', 'services', 'mongo');
const home = path.join(servicesDir, 'mongo');
const libs = path.join(home, 'libs');
const port = envPort('SLUICE_MONGODB_PORT', 27017);

export const mongo = {
  name: 'mongodb',
  marker: 'dev.sluice.mongo.EmulatorLauncher',
  pidFile: path.join(home, 'mongo.pid'),
  logFile: path.join(logsDir, 'mongodb.log'),
  ports: [['SLUICE_MONGODB_PORT', port]],
  envVar: 'MONGODB_URI',
  address: `mongodb://127.0.0.1:${port}/?replicaSet=rs0`,
  startTimeoutMs: 60_000,
  stopGraceMs: 10_000,

  install() {
    // Rebuilt when the launcher's source is newer than the last build.
    return cached(path.join(libs, `.complete-${sourceStamp()}`), () => {
      runMaven('mongodb', source, [
        'package',
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
        '-DincludeScope=runtime',
      ]);
      fs.copyFileSync(path.join(source, 'target', 'mongo-emulator-1.jar'), path.join(libs, 'mongo-emulator.jar'));
    });
  },

  start() {
    const { java } = findJava();
    const classpath = `${libs}/*`;
    return startDetached(
      java,
      // The change log holds whole documents in the heap: a bounded window (200k events, enough for
      // every test's resume) in 1 GiB keeps a long-lived dev server from running out of memory.
      // A sustained-load benchmark needs a longer window (a source that lags more than the window
      // behind the writer loses its history): SLUICE_MONGODB_HEAP and SLUICE_MONGODB_MAX_CHANGE_EVENTS.
      [
        `-Xmx${process.env.SLUICE_MONGODB_HEAP ?? '1g'}`,
        '-cp',
        classpath,
        this.marker,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--set-name',
        'rs0',
        '--max-change-events',
        process.env.SLUICE_MONGODB_MAX_CHANGE_EVENTS ?? '200000',
      ],
      { logFile: this.logFile, cwd: home },
    );
  },

  healthy() {
    return new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  },
};

/** A hash of the launcher's sources: a changed launcher is rebuilt on the next start. */
function sourceStamp() {
  const hash = crypto.createHash('sha256');
  for (const file of ['pom.xml', ...javaSources(path.join(source, 'src'))]) {
    hash.update(fs.readFileSync(path.resolve(source, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

function javaSources(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
