import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A temporary folder holding plugin folders written from `{ relativePath: contents }` maps (tests only). */
export interface PluginFixture {
  root: string
  /** Writes the files under `<root>/<name>/` and returns that folder. */
  plugin(name: string, files: Record<string, string>): string
  /** Writes (or overwrites) files relative to the root. */
  write(files: Record<string, string>): void
  remove(): void
}

export function pluginFixture(): PluginFixture {
  const root = mkdtempSync(join(tmpdir(), 'isogate-bundle-'))
  const write = (files: Record<string, string>): void => {
    for (const [path, contents] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), contents)
    }
  }
  return {
    root,
    plugin(name, files) {
      write(Object.fromEntries(Object.entries(files).map(([path, contents]) => [join(name, path), contents])))
      return join(root, name)
    },
    write,
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** The smallest valid plugin. */
export const MINIMAL_PLUGIN: Record<string, string> = {
  'handler.ts': 'export default { priority: 1000, version: "1.0.0" }\n',
  'schema.ts': 'export default { name: "my-plugin", config: { type: "object" } }\n',
}
