import type { Dirent } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { BundleError } from './bundle-error.ts'
import { sha256 } from './source-loader.ts'

/** Past this many entries a folder is not a plugin (and walking it would stall a reload). */
const MAX_ENTRIES = 50_000

/**
 * A cheap fingerprint of everything in the plugin folder: path, size and mtime of each file and
 * symlink. It guards what file contents cannot: esbuild's resolution depends on which files exist
 * and on package.json files that are not inputs, so any added, removed or touched file makes the
 * cached bundle a miss. `skip` excludes folders (a cache kept inside the plugin folder).
 */
export async function folderStamp(dir: string, name: string, skip: readonly string[]): Promise<string> {
  const lines: string[] = []
  const pending = [dir]
  let seen = 0
  while (pending.length > 0) {
    const folder = pending.pop()!
    const entries: Dirent[] = await readdir(folder, { withFileTypes: true })
    seen += entries.length
    if (seen > MAX_ENTRIES) {
      throw new BundleError('BUNDLE_TOO_LARGE', name, `the plugin folder has more than ${MAX_ENTRIES} files`)
    }
    const described = await Promise.all(
      entries.map(async (entry) => {
        const path = join(folder, entry.name)
        if (entry.isDirectory()) {
          if (!skip.includes(path)) pending.push(path)
          return null
        }
        // A file removed mid-walk still changes the stamp.
        const stat = await lstat(path, { bigint: true }).catch(() => null)
        return `${relative(dir, path)}\0${stat ? `${stat.size}\0${stat.mtimeNs}` : 'gone'}`
      }),
    )
    for (const line of described) if (line !== null) lines.push(line)
  }
  return sha256(lines.sort().join('\n'))
}
