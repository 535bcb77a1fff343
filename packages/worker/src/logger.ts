import winston from 'winston';
import { LogLevels } from './log-levels.js';

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
