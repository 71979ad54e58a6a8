/**
 * Where the package's own files are, from the TypeScript sources (tsx, vitest) and from the
 * compiled tree alike: a bundle in `dist/` has a different depth than the source file it came from,
 * so files are found from the package root rather than relative to `import.meta.url`.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Running the compiled tree (`dist/*.js`, what the `isogate` command runs) rather than the sources. */
export const COMPILED: boolean = import.meta.url.endsWith('.js')

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(join(dir, 'package.json'))) return dir
    dir = dirname(dir)
  }
  throw new Error(`isogate: no package.json above ${fileURLToPath(import.meta.url)}`)
}

/** The package's root folder (where package.json, plugins/ and sdk/ are). */
export const PACKAGE_ROOT: string = findRoot()

/** A file or folder of the package, by its path from the root (`plugins/`, `sdk/index.ts`, …). */
export function packageFile(path: string): string {
  return join(PACKAGE_ROOT, path)
}

/**
 * The script of one of the package's own child processes (a proxy worker, the plugin host): its
 * bundle in `dist/` when this process runs the compiled tree, else its TypeScript source.
 */
export function ownScript(bundle: string, source: string): string {
  return packageFile(COMPILED ? `dist/${bundle}.js` : source)
}
