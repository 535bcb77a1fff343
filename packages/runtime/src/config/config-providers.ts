import fs from 'node:fs';
import { ConfigError } from '@sluice/sdk';

/**
 * Kafka Connect's config providers, resolved in the worker just before a config is used and
 * never stored resolved: `${env:VAR}` (an environment variable) and `${file:/path:key}` (a key of
 * a Java-style properties file, as Connect's FileConfigProvider). A reference that cannot be
 * resolved is a ConfigError naming the config key, never an empty value.
 */
export function resolveConfigProviders(
  config: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    resolved[key] = value.replace(/\$\{(env|file):([^}]*)\}/g, (_match, provider: string, reference: string) =>
      provider === 'env' ? fromEnv(key, reference, env) : fromFile(key, reference),
    );
  }
  return resolved;
}

function fromEnv(key: string, variable: string, env: NodeJS.ProcessEnv): string {
  const value = env[variable];
  if (value === undefined)
    throw new ConfigError(key, `\${env:${variable}}: the environment variable ${variable} is not set`);
  return value;
}

function fromFile(key: string, reference: string): string {
  const split = reference.lastIndexOf(':');
  if (split <= 0) throw new ConfigError(key, `\${file:${reference}}: expected \${file:/path/to/file.properties:key}`);
  const file = reference.slice(0, split);
  const wanted = reference.slice(split + 1);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      key,
      `\${file:...}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (match?.[1] === wanted) return match[2] ?? '';
  }
  throw new ConfigError(key, `\${file:...}: ${file} has no key ${wanted}`);
}
