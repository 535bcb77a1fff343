import type { Logger } from '@sluice/sdk';
import { REDACTED, secretKeys } from '@sluice/sdk';
import type { ResolvedConnectorConfig } from '../config/connector-config.js';

/**
 * Replaces the values of a connector's secret fields (as resolved, so a password read through
 * ${file:...} too) wherever they would otherwise leave the worker in text: status traces and log
 * lines. The REST layer redacts the config itself.
 */
export function secretScrubber(resolved: ResolvedConnectorConfig): (text: string) => string {
  const secrets = secretKeys(resolved.connector.config)
    .map((key) => resolved.effectiveConfig[key])
    .filter((value): value is string => typeof value === 'string' && value.length >= 3);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** A logger whose messages and string fields pass through `scrub`. */
export function scrubbingLogger(logger: Logger, scrub: (text: string) => string): Logger {
  const clean = (fields?: Readonly<Record<string, unknown>>) =>
    fields &&
    Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? scrub(value) : value]),
    );
  return {
    debug: (message, fields) => logger.debug(scrub(message), clean(fields)),
    info: (message, fields) => logger.info(scrub(message), clean(fields)),
    warn: (message, fields) => logger.warn(scrub(message), clean(fields)),
    error: (message, fields) => logger.error(scrub(message), clean(fields)),
  };
}
