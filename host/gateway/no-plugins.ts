import type { PluginRegistry } from '../entities/index.ts'

/**
 * The plugin registry of a node with no plugin runtime loaded: every name is unknown, so a
 * `POST /plugins` gets Kong's "plugin 'x' not enabled" error instead of storing a config that
 * nothing could run.
 */
export const noPlugins: PluginRegistry = {
  has: () => false,
  validateConfig: () => ({ ok: false, errors: {} }),
  scoping: () => ({}),
}
