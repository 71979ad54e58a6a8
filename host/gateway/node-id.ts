import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A node keeps its id across restarts (Kong's `kong.id` in the prefix). */
export function loadNodeId(prefix: string): string {
  const file = join(prefix, 'node.id')
  try {
    const id = readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f-]{36}$/.test(id)) return id
  } catch {
    // first start: fall through and create it
  }
  const id = randomUUID()
  mkdirSync(prefix, { recursive: true })
  writeFileSync(file, `${id}\n`)
  return id
}
