import { join } from 'node:path'
import { packageFile } from '../package-files.ts'

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
  const dir = packageFile('sdk/')
  return { dir, entry: join(dir, 'index.ts') }
}
