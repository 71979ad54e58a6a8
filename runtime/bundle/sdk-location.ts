import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where `isogate/sdk` lives: its folder (the only files it may import) and its entry file. */
export interface SdkLocation {
  dir: string
  entry: string
}

/**
 * The repository's `sdk/index.ts`, found from this file rather than through node_modules, so
 * plugins outside the repository (no `isogate` package installed) bundle the same SDK.
 */
export function defaultSdk(): SdkLocation {
  const dir = fileURLToPath(new URL('../../sdk/', import.meta.url))
  return { dir, entry: join(dir, 'index.ts') }
}
