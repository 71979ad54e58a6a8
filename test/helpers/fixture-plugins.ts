import { fileURLToPath } from 'node:url'

/** `plugin_paths` value for the test plugins in test/fixtures/plugins. */
export const FIXTURE_PLUGINS = fileURLToPath(new URL('../fixtures/plugins', import.meta.url))
