/** A task's state as Kafka Connect's status API reports it. */
export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED';

export interface TaskStatus {
  readonly state: TaskState;
  /** The failure's stack, causes included (Connect's `trace`), when FAILED. */
  readonly trace?: string;
}

/** An error's stack with its causes, as a status trace. */
export function traceOf(error: unknown): string {
  const lines: string[] = [];
  for (let at: unknown = error, depth = 0; at !== undefined && depth < 5; depth++) {
    lines.push(depth === 0 ? stackOf(at) : `Caused by: ${stackOf(at)}`);
    at = at instanceof Error ? at.cause : undefined;
  }
  return lines.join('\n');
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
