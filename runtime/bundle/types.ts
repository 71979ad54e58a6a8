export interface BundleOptions {
  /** The plugin folder; its name is the plugin's name. */
  dir: string
  /** When given, bundles are written here and reused while their inputs are unchanged. */
  cacheDir?: string
  /**
   * Bundles made ahead of time (the package's `dist/bundles`, by the build), read only: one is
   * used, wherever its folder was, when the plugin's files still give its hash.
   */
  prebuiltDir?: string
}

/** Which of the fixed plugin files the folder provides. */
export interface PluginModules {
  handler: true
  schema: true
  daos: boolean
  api: boolean
  /** Migration names (`migrations/<name>.ts` without the extension), in name order. */
  migrations: string[]
}

export interface PluginBundle {
  /** The folder's name. */
  name: string
  /** The folder, absolute. */
  dir: string
  /** sha256 (hex) of every file esbuild read, the generated entry, the esbuild version and options. */
  hash: string
  /** One classic script (IIFE) that sets `globalThis.__isogatePlugin`; ends with an inline source map. */
  code: string
  /** Bytes of `code` (UTF-8). */
  size: number
  modules: PluginModules
  /** esbuild's and the bundler's warnings, one line each, paths relative to the folder. */
  warnings: string[]
  /** True when `code` came from `cacheDir` without running esbuild. */
  fromCache: boolean
}
