import { isAbsolute, relative, resolve, sep } from 'node:path'

/** The two folders a bundle may read from: the plugin folder and the SDK folder (both real paths). */
export interface BundleRoots {
  dir: string
  sdkDir: string
}

/** The generated entry module, as esbuild names it (`namespace:path`). */
export const ENTRY_NAMESPACE = 'isogate'
export const ENTRY_PATH = 'entry'
export const ENTRY_LABEL = `${ENTRY_NAMESPACE}:${ENTRY_PATH}`
/**
 * SDK files are loaded in their own namespace by their path inside sdk/, so esbuild never sees
 * (nor prints into the bundle's comments and map) where the host keeps them.
 */
export const SDK_NAMESPACE = 'isogate-sdk'

export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/**
 * The name a file has in source maps, error messages and the hash: relative to the plugin folder
 * (`lib/util.ts`), or `isogate-sdk:index.ts` / `isogate:entry` for the virtual modules; never a
 * host path. `path` is absolute, relative to the plugin folder (esbuild's metafile, messages and
 * maps) or already `namespace:path`.
 */
export function labelOf(path: string, roots: BundleRoots): string {
  if (!isAbsolute(path) && path.includes(':')) return path
  const abs = resolve(roots.dir, path)
  if (isInside(abs, roots.dir)) return toPosix(relative(roots.dir, abs))
  // Unreachable for accepted imports; still never leak where the host keeps its files.
  return `<outside>/${toPosix(abs).split('/').pop()}`
}

export function sdkLabel(pathInSdk: string): string {
  return `${SDK_NAMESPACE}:${toPosix(pathInSdk)}`
}

/** The file behind a label, or null for the generated entry. */
export function pathOfLabel(label: string, roots: BundleRoots): string | null {
  if (label === ENTRY_LABEL) return null
  const sdkPrefix = `${SDK_NAMESPACE}:`
  if (label.startsWith(sdkPrefix)) return resolve(roots.sdkDir, label.slice(sdkPrefix.length))
  return resolve(roots.dir, label)
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}
