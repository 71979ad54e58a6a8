import { readFile, realpath, stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { bundleHash, type InputDigest } from './build-options.ts'
import { readCachedBundle, writeCachedBundle } from './bundle-cache.ts'
import { BundleError } from './bundle-error.ts'
import { entrySource } from './entry-source.ts'
import { folderStamp } from './folder-stamp.ts'
import { type BundleRoots, pathOfLabel } from './labels.ts'
import { readPluginFiles } from './plugin-files.ts'
import { runEsbuild } from './run-esbuild.ts'
import { defaultSdk, type SdkLocation } from './sdk-location.ts'
import { sha256 } from './source-loader.ts'
import type { BundleOptions, PluginBundle } from './types.ts'

/**
 * Turns a plugin folder into one self-contained script for an isolate. Nothing of the plugin is
 * evaluated here. With `cacheDir`, an unchanged folder is served from the cache without running
 * esbuild. `sdk` is where `isogate/sdk` comes from (the repository's SDK unless a test says otherwise).
 */
export async function bundlePlugin(
  options: BundleOptions,
  sdk: SdkLocation = defaultSdk(),
): Promise<PluginBundle> {
  const dir = resolve(options.dir)
  const name = basename(dir)
  const realSdk = { dir: await realpath(sdk.dir), entry: await realpath(sdk.entry) }
  const roots: BundleRoots = { dir: await realFolder(dir, name), sdkDir: realSdk.dir }
  const files = await readPluginFiles(roots.dir, name)
  const entry = entrySource(files.modules)
  const bundle = (code: string, hash: string, warnings: string[], fromCache: boolean): PluginBundle => ({
    name,
    dir,
    hash,
    code,
    size: Buffer.byteLength(code),
    modules: files.modules,
    warnings,
    fromCache,
  })
  if (options.cacheDir === undefined) {
    const built = await runEsbuild(name, roots, realSdk, entry)
    return bundle(built.code, built.hash, [...files.warnings, ...built.warnings], false)
  }
  const cacheDir = resolve(options.cacheDir)
  // The stamp is taken before esbuild reads anything: an edit during the build makes the next call a miss.
  const key = { name, dir: roots.dir, stamp: await folderStamp(roots.dir, name, [cacheDir]) }
  const hashNow = (inputs: readonly InputDigest[]) => currentHash(inputs, roots, entry)
  const cached =
    (await readCachedBundle(cacheDir, key, hashNow)) ??
    (options.prebuiltDir === undefined
      ? null
      : await readCachedBundle(resolve(options.prebuiltDir), key, hashNow, true))
  if (cached) return bundle(cached.code, cached.manifest.hash, cached.manifest.warnings, true)
  const built = await runEsbuild(name, roots, realSdk, entry)
  const warnings = [...files.warnings, ...built.warnings]
  const result = bundle(built.code, built.hash, warnings, false)
  await writeCachedBundle(
    cacheDir,
    {
      format: 1,
      ...key,
      hash: built.hash,
      size: result.size,
      modules: files.modules,
      warnings,
      inputs: built.inputs,
    },
    built.code,
  )
  return result
}

async function realFolder(dir: string, name: string): Promise<string> {
  const info = await stat(dir).catch(() => null)
  if (!info?.isDirectory()) throw new BundleError('BUNDLE_NOT_A_FOLDER', name, `${dir} is not a folder`)
  return realpath(dir)
}

async function currentHash(
  inputs: readonly InputDigest[],
  roots: BundleRoots,
  entry: string,
): Promise<string | null> {
  const now: InputDigest[] = []
  for (const { label } of inputs) {
    const path = pathOfLabel(label, roots)
    const contents = path === null ? entry : await readFile(path).catch(() => null)
    if (contents === null) return null
    now.push({ label, sha256: sha256(contents) })
  }
  return bundleHash(now)
}
