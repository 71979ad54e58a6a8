import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/**
 * Writes plugin folders into a fresh temporary directory (usable as `plugin_paths`):
 * `{ 'my-plugin': { 'handler.ts': '...', 'schema.ts': '...' } }`. Returns the directory.
 */
export function writePluginFolders(plugins: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'isogate-plugins-'))
  for (const [name, files] of Object.entries(plugins)) {
    for (const [file, text] of Object.entries(files)) {
      const path = join(root, name, file)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, text)
    }
  }
  return root
}
