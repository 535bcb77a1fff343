import type { Logger } from '@sluice/sdk';
import winston from 'winston';
import { LogLevels, WORKER } from './log-levels.js';

/**
 * Structured JSON log lines; every line a task writes carries its connector and task id. Levels
 * per logger (connector) come from `levels` and can change at run time.
 */
export function createLogger(
  levels: LogLevels | string,
  stream: NodeJS.WritableStream = process.stdout,
): winston.Logger {
  const perLogger = typeof levels === 'string' ? new LogLevels(levels) : levels;
  const logger = winston.createLogger({
    format: winston.format.combine(
      winston.format((info) => (perLogger.allows(info) ? info : false))(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream })],
  });
  perLogger.attach(logger);
  return logger;
}

export function taskLogger(parent: winston.Logger, connector: string, task: number): winston.Logger {
  return parent.child({ connector, task });
}

/** The SDK's Logger (what connectors and the runtime log through) over a winston logger. */
export function sdkLogger(logger: winston.Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => logger.error(message, fields),
  };
}

/**
 * The worker's own lines (the REST layer's) as an SDK Logger: they follow the `worker` logger's
 * level even when they name a connector, so quieting a connector does not hide what operators
 * did to it.
 */
export function workerLogger(parent: winston.Logger): Logger {
  return sdkLogger(parent.child({ logger: WORKER }));
}
