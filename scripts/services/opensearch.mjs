// OpenSearch 2.19.x single node on 127.0.0.1 from Maven's integ-test-zip distribution (no
// bundled JDK, no security plugin). OpenSearch refuses to run as root, so under root it runs as
// the unprivileged system user `sluice-services`, created on first use.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cached, envPort, findJava, logsDir, runMaven, servicesDir, ServiceError, startDetached } from './common.mjs';

const VERSION = '2.19.6';
const ARTIFACT = `org.opensearch.distribution.integ-test-zip:opensearch:${VERSION}:zip`;
const SERVICE_USER = 'sluice-services';
const port = envPort('SLUICE_OPENSEARCH_PORT', 9200);
const transportPort = envPort('SLUICE_OPENSEARCH_TRANSPORT_PORT', 9300);
const home = opensearchHome();
const install = path.join(home, `opensearch-${VERSION}`);
const url = `http://127.0.0.1:${port}`;

export const opensearch = {
  name: 'opensearch',
  marker: 'org.opensearch.bootstrap.OpenSearch',
  pidFile: path.join(home, 'opensearch.pid'),
  logFile: path.join(logsDir, 'opensearch.log'),
  ports: [
    ['SLUICE_OPENSEARCH_PORT', port],
    ['SLUICE_OPENSEARCH_TRANSPORT_PORT', transportPort],
  ],
  envVar: 'OPENSEARCH_URL',
  address: url,
  startTimeoutMs: 180_000,
  stopGraceMs: 30_000,

  install() {
    return cached(path.join(install, '.complete'), () => {
      const download = path.join(servicesDir, 'cache', 'downloads');
      runMaven('opensearch', os.tmpdir(), [
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
        `-Dartifact=${ARTIFACT}`,
        `-DoutputDirectory=${download}`,
      ]);
      fs.rmSync(install, { recursive: true, force: true });
      fs.mkdirSync(home, { recursive: true });
      unpack(path.join(download, `opensearch-${VERSION}.zip`), home);
    });
  },

  start() {
    const { javaHome } = findJava();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(logsDir, { recursive: true });
    fs.writeFileSync(path.join(install, 'config', 'opensearch.yml'), config(dataDir));
    const command = path.join(install, 'bin', 'opensearch');
    const args = ['-p', this.pidFile];
    const env = { OPENSEARCH_JAVA_HOME: javaHome, OPENSEARCH_JAVA_OPTS: '-Xms1g -Xmx1g' };
    if (process.getuid?.() !== 0) {
      startDetached(command, args, { logFile: this.logFile, env, cwd: install });
    } else {
      const { uid, gid } = ensureServiceUser();
      spawnSync('chown', ['-R', `${uid}:${gid}`, home]);
      const setpriv = ['--reuid', String(uid), '--regid', String(gid), '--init-groups', '--', command, ...args];
      startDetached('setpriv', setpriv, { logFile: this.logFile, env, cwd: install });
    }
    return undefined; // OpenSearch writes its own pid file (-p)
  },

  async healthy() {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3000),
    });
    return response.ok;
  },
};

/** unzip keeps the scripts' execute bits; the JDK's `jar` is the fallback, so restore them. */
function unpack(zip, into) {
  const unzip = spawnSync('unzip', ['-q', '-o', zip, '-d', into], { encoding: 'utf8' });
  if (unzip.error) {
    const jar = spawnSync('jar', ['xf', zip], { cwd: into, encoding: 'utf8' });
    if (jar.error || jar.status !== 0) {
      throw new ServiceError(`unpacking ${zip} failed: install unzip (Debian: apt-get install unzip)`);
    }
  } else if (unzip.status !== 0) {
    throw new ServiceError(`unpacking ${zip} failed: ${unzip.stderr}`);
  }
  for (const dir of ['bin', 'jdk/bin']) {
    const at = path.join(into, `opensearch-${VERSION}`, dir);
    if (fs.existsSync(at)) for (const file of fs.readdirSync(at)) fs.chmodSync(path.join(at, file), 0o755);
  }
}

function config(dataDir) {
  return `# written by scripts/services/opensearch.mjs
cluster.name: sluice-local
node.name: sluice-local-1
network.host: 127.0.0.1
http.port: ${port}
transport.port: ${transportPort}
discovery.type: single-node
path.data: ${dataDir}
path.logs: ${path.join(home, 'logs')}
# a shared dev machine's nearly full disk must not turn indices read-only under the tests
cluster.routing.allocation.disk.threshold_enabled: false
`;
}

/**
 * Where OpenSearch lives. Under root it runs as another user, who must be able to reach its
 * files: when the checkout sits below a directory others cannot enter (e.g. /root), use a
 * directory under /var/tmp keyed by the checkout's path instead.
 */
function opensearchHome() {
  const preferred = path.join(servicesDir, 'opensearch');
  if (process.getuid?.() !== 0 || reachableByOthers(servicesDir)) return preferred;
  const key = crypto.createHash('sha256').update(servicesDir).digest('hex').slice(0, 12);
  return path.join('/var/tmp', `sluice-opensearch-${key}`);
}

function reachableByOthers(dir) {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      if ((fs.statSync(at).mode & 0o001) === 0) return false;
    } catch {
      // not created yet: its parents decide
    }
    if (at === path.dirname(at)) return true;
  }
}

function ensureServiceUser() {
  const id = (flag) => spawnSync('id', [flag, SERVICE_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const created = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) {
      throw new ServiceError(
        `OpenSearch refuses to run as root, and creating the user ${SERVICE_USER} failed: ` +
          `${created.stderr || created.error}. Create it yourself or run as a non-root user.`,
      );
    }
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}
