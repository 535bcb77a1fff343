import winston from 'winston';

/** Structured JSON log lines; every line a task writes carries its connector and task id. */
export function createLogger(level: string, stream: NodeJS.WritableStream = process.stdout): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
}

export function taskLogger(parent: winston.Logger, connector: string, task: number): winston.Logger {
  return parent.child({ connector, task });
}
