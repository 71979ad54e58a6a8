import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { InputDigest } from './build-options.ts'
import type { PluginModules } from './types.ts'

/** The package's bundles made by the build (host/gateway/prebuild-main.ts), from the package root. */
export const PREBUILT_BUNDLES = 'dist/bundles'

/**
 * `<cacheDir>/<name>-<hash>.js` is the bundle, `<name>-<hash>.json` this manifest beside it.
 * A manifest is reused only for the same folder, an unchanged folder stamp, and inputs whose
 * current contents still give its hash.
 */
export interface CacheManifest {
  format: 1
  name: string
  /** Real path of the plugin folder that produced it. */
  dir: string
  hash: string
  size: number
  stamp: string
  modules: PluginModules
  warnings: string[]
  inputs: InputDigest[]
}

export interface CacheKey {
  name: string
  dir: string
  stamp: string
}

/** Hash of the given inputs as they are on disk now; null when one of them is gone. */
export type CurrentHash = (inputs: readonly InputDigest[]) => Promise<string | null>

/**
 * A cached bundle of the folder, or null. `anyFolder`: a bundle made from another folder with the
 * same contents will do (the package's prebuilt bundles, made where the package was built): only
 * the inputs' hash decides, without the folder and stamp shortcut.
 */
export async function readCachedBundle(
  cacheDir: string,
  key: CacheKey,
  currentHash: CurrentHash,
  anyFolder = false,
): Promise<{ manifest: CacheManifest; code: string } | null> {
  for (const manifest of await manifestsOf(cacheDir, key.name)) {
    if (!anyFolder && (manifest.dir !== key.dir || manifest.stamp !== key.stamp)) continue
    if ((await currentHash(manifest.inputs)) !== manifest.hash) continue
    const code = await readFile(join(cacheDir, `${key.name}-${manifest.hash}.js`), 'utf8').catch(() => null)
    if (code !== null && Buffer.byteLength(code) === manifest.size) return { manifest, code }
  }
  return null
}

/** Writes bundle then manifest (each atomically), and drops older bundles of the same folder. */
export async function writeCachedBundle(
  cacheDir: string,
  manifest: CacheManifest,
  code: string,
): Promise<void> {
  await mkdir(cacheDir, { recursive: true })
  const base = join(cacheDir, `${manifest.name}-${manifest.hash}`)
  await writeAtomically(`${base}.js`, code)
  await writeAtomically(`${base}.json`, `${JSON.stringify(manifest, null, 2)}\n`)
  for (const old of await manifestsOf(cacheDir, manifest.name)) {
    if (old.dir !== manifest.dir || old.hash === manifest.hash) continue
    const oldBase = join(cacheDir, `${old.name}-${old.hash}`)
    // Another process may prune the same files; either way they are gone.
    await unlink(`${oldBase}.json`).catch(() => undefined)
    await unlink(`${oldBase}.js`).catch(() => undefined)
  }
}

async function manifestsOf(cacheDir: string, name: string): Promise<CacheManifest[]> {
  const files = await readdir(cacheDir).catch(() => [] as string[])
  const pattern = /^[0-9a-f]{64}\.json$/
  const manifests: CacheManifest[] = []
  for (const file of files) {
    if (!file.startsWith(`${name}-`) || !pattern.test(file.slice(name.length + 1))) continue
    const manifest = await readFile(join(cacheDir, file), 'utf8')
      .then((text) => JSON.parse(text) as CacheManifest)
      .catch(() => null)
    if (manifest?.format === 1 && manifest.name === name) manifests.push(manifest)
  }
  return manifests
}

/** Readers in other processes see the old file or the new one, never half of one. */
async function writeAtomically(path: string, contents: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    await writeFile(temporary, contents)
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}
