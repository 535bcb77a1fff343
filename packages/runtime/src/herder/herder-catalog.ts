import type { ConnectorCatalog, PluginChanges } from '../config/connector-catalog.js';
import type { ConnectorConfigCheck, ResolvedConnectorConfig } from '../config/connector-config.js';
import { checkConnectorConfig, resolveConnectorConfig } from '../config/connector-config.js';
import type { OverridePolicy } from '../config/client-overrides.js';

/**
 * The plugins a herder resolves and checks connector configs against. Invariant: every
 * resolution and check uses the current catalog, which only `reload()` replaces (in the
 * herder's change queue), so two changes never see different plugins half-way.
 */
export class HerderCatalog {
  private catalog: ConnectorCatalog;

  constructor(
    initial: ConnectorCatalog,
    /** Finds the plugins again (the worker's plugin loader); without it the catalog is fixed. */
    private readonly reloadCatalog?: () => ConnectorCatalog,
    /** The worker's connector.client.config.override.policy. */
    private readonly overridePolicy: OverridePolicy = 'All',
  ) {
    this.catalog = initial;
  }

  get current(): ConnectorCatalog {
    return this.catalog;
  }

  /** The config resolved, or a ConfigError naming every problem. */
  resolve(config: Readonly<Record<string, string>>): ResolvedConnectorConfig {
    return resolveConnectorConfig(config, this.catalog, this.overridePolicy);
  }

  check(config: Readonly<Record<string, string>>): ConnectorConfigCheck {
    return checkConnectorConfig(config, this.catalog, this.overridePolicy);
  }

  /** Looks for the plugins again; what changed since the catalog before. */
  reload(): PluginChanges {
    const before = this.catalog;
    this.catalog = this.reloadCatalog?.() ?? before;
    return this.catalog.changesSince(before);
  }

  /** True when `connector.class` no longer finds the plugin a config resolved to (upgraded or removed). */
  changed(resolved: ResolvedConnectorConfig | undefined): boolean {
    if (!resolved) return false;
    return this.catalog.find(resolved.effectiveConfig['connector.class'] ?? '')?.connector !== resolved.connector;
  }
}
