/** Stops the services global setup started (unless SLUICE_KEEP_SERVICES=1). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.sluiceServices?.stop();
}
