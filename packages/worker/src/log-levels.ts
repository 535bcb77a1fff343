import type winston from 'winston';

/** Connect's (log4j2) level names, most severe first, and the winston level each lets through. */
const LEVELS = {
  OFF: -1,
  FATAL: 0,
  ERROR: 0,
  WARN: 1,
  INFO: 2,
  DEBUG: 5,
  TRACE: 6,
  ALL: 6,
} as const;
export type ConnectLevel = keyof typeof LEVELS;
const WINSTON_BY_RANK = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

export const ROOT = 'root';
/** The logger of the worker's own lines (those without a connector). */
export const WORKER = 'worker';

/** Connect's level names, most severe first. */
export const CONNECT_LEVELS = Object.keys(LEVELS) as readonly ConnectLevel[];

export function isConnectLevel(level: string): level is ConnectLevel {
  return Object.hasOwn(LEVELS, level);
}

/**
 * A level name in any case (`debug`, `DEBUG`, `Debug`; surrounding blanks ignored) as Connect's
 * upper-case name, or undefined when it names no level. Connect's docs write levels in upper
 * case, winston's in lower case; operators use both.
 */
export function parseConnectLevel(name: string): ConnectLevel | undefined {
  const upper = name.trim().toUpperCase();
  return isConnectLevel(upper) ? upper : undefined;
}

/**
 * Log levels per logger, changeable at run time (Connect's /admin/loggers). A line's logger is
 * its connector's name, or `worker`; loggers form a dotted hierarchy under `root`, so a
 * connector named `shop.products` also follows `shop` and `root` unless set itself. Setting a
 * logger sets every existing descendant too, as Connect does.
 */
export class LogLevels {
  private readonly explicit = new Map<string, { level: ConnectLevel; lastModified: number | null }>();
  private readonly attached: winston.Logger[] = [];

  /** @param rootLevel root's level, in any case; INFO when it names no level. */
  constructor(rootLevel: string) {
    this.explicit.set(ROOT, { level: parseConnectLevel(rootLevel) ?? 'INFO', lastModified: null });
  }

  /** Level and when it was last set through the API (null: never). */
  levelOf(name: string): { level: ConnectLevel; last_modified: number | null } {
    for (let at: string | undefined = name; at !== undefined; at = parentOf(at)) {
      const found = this.explicit.get(at);
      if (found) return { level: found.level, last_modified: at === name ? found.lastModified : null };
    }
    return { level: 'INFO', last_modified: null };
  }

  /** Sets `name` and its descendants among `known`; returns the loggers whose level changed. */
  set(name: string, level: ConnectLevel, known: readonly string[]): string[] {
    const affected = [...new Set([name, ...known])].filter(
      (candidate) => name === ROOT || candidate === name || candidate.startsWith(`${name}.`),
    );
    const changed = affected.filter((logger) => this.levelOf(logger).level !== level);
    const now = Date.now();
    for (const logger of affected) {
      if (logger !== name) this.explicit.delete(logger);
    }
    this.explicit.set(name, { level, lastModified: now });
    this.refresh();
    return changed.sort();
  }

  /** Every logger with an explicit level, beside `known`. */
  names(known: readonly string[]): string[] {
    return [...new Set([ROOT, WORKER, ...known, ...this.explicit.keys()])].sort();
  }

  /**
   * Drops a winston line below its logger's level. A line's logger is its `logger` field when
   * set (the REST layer's lines are the worker's, whatever connector they name), else its
   * connector, else `worker`.
   */
  allows(info: { level: string; connector?: unknown; logger?: unknown }): boolean {
    const logger =
      typeof info.logger === 'string' ? info.logger : typeof info.connector === 'string' ? info.connector : WORKER;
    return WINSTON_BY_RANK.indexOf(info.level) <= LEVELS[this.levelOf(logger).level];
  }

  /** Keeps the logger's own threshold at the most verbose level in use, so filtering stays cheap. */
  attach(logger: winston.Logger): void {
    this.attached.push(logger);
    this.refresh();
  }

  private refresh(): void {
    const rank = Math.max(...[...this.explicit.values()].map(({ level }) => LEVELS[level]));
    for (const logger of this.attached) logger.level = WINSTON_BY_RANK[Math.max(rank, 0)] ?? 'info';
  }
}

function parentOf(name: string): string | undefined {
  if (name === ROOT) return undefined;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : ROOT;
}
