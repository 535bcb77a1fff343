/** Polls `condition` every `stepMs` until it holds; rejects after `timeoutMs` (tests only). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  stepMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
