import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Plugin } from 'esbuild'
import { type BundleRoots, labelOf, pathOfLabel, SDK_NAMESPACE, sdkLabel } from './labels.ts'

/**
 * Reads every file for esbuild (plugin files and SDK files) and keeps, by label, the sha256 of
 * exactly the bytes it compiled, so the bundle's hash can never describe a file edited after
 * esbuild read it.
 */
export function sourceLoader(roots: BundleRoots, digests: Map<string, string>): Plugin {
  const load = async (label: string, path: string) => {
    const contents = await readFile(path)
    digests.set(label, sha256(contents))
    // 'default' keeps esbuild's choice of loader by extension (.ts, .js, .json, ...).
    return { contents, loader: 'default' as const, resolveDir: dirname(path) }
  }
  return {
    name: 'isogate-source-loader',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => load(labelOf(args.path, roots), args.path))
      build.onLoad({ filter: /.*/, namespace: SDK_NAMESPACE }, (args) => {
        const label = sdkLabel(args.path)
        return load(label, pathOfLabel(label, roots)!)
      })
    },
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
