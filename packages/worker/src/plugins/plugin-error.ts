/** A plugin that cannot be used: the message names the package and the reason. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
}
