import { createHash } from 'node:crypto'
import { type BuildOptions, version as esbuildVersion } from 'esbuild'

/** The global the bundle sets: `globalThis.__isogatePlugin = { handler, schema, ... }`. */
export const GLOBAL_NAME = '__isogatePlugin'

/** Bumped whenever the generated entry or the post-processing of esbuild's output changes. */
const BUNDLE_FORMAT = 1

/**
 * Every esbuild option that shapes the output; part of the hash. `tsconfigRaw` is fixed so no
 * tsconfig.json (the plugin's or a parent's) changes the output behind the hash's back. The map
 * is taken as a separate output so its source paths can be relabelled before it is inlined.
 */
export const BUILD_OPTIONS = {
  bundle: true,
  format: 'iife',
  globalName: GLOBAL_NAME,
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfigRaw: {},
  sourcemap: 'external',
  sourcesContent: true,
} as const satisfies BuildOptions

/** One file that went into a bundle, by label (see labels.ts) and sha256 of its bytes. */
export interface InputDigest {
  label: string
  sha256: string
}

export function bundleHash(inputs: readonly InputDigest[]): string {
  const hash = createHash('sha256')
  hash.update(
    `isogate-bundle ${BUNDLE_FORMAT}\nesbuild ${esbuildVersion}\n${JSON.stringify(BUILD_OPTIONS)}\n`,
  )
  for (const { label, sha256 } of [...inputs].sort((a, b) => (a.label < b.label ? -1 : 1))) {
    hash.update(`${label}\0${sha256}\n`)
  }
  return hash.digest('hex')
}
