/**
 * Connect's active topics (KIP-558): per connector, the topics its tasks produced to or consumed
 * from since it was created or last reset. Invariant: only connectors that exist are noted
 * (`exists` is asked first), so a late report from a deleted connector's task is dropped.
 */
export class ActiveTopics {
  private readonly topics = new Map<string, Set<string>>();

  constructor(private readonly exists: (name: string) => boolean) {}

  note(name: string, topics: readonly string[]): void {
    if (!this.exists(name)) return;
    const known = this.topics.get(name) ?? new Set<string>();
    for (const topic of topics) known.add(topic);
    this.topics.set(name, known);
  }

  /** Sorted; [] for a connector never noted. */
  of(name: string): string[] {
    return [...(this.topics.get(name) ?? [])].sort();
  }

  reset(name: string): void {
    this.topics.delete(name);
  }
}
