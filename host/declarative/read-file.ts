import { readFile } from 'node:fs/promises'
import type { Entities } from '../entities/index.ts'
import { UserError } from '../errors/index.ts'
import type { ParsedDeclarative } from './flatten.ts'
import { parseDeclarative } from './parse.ts'

/** Reads and parses a declarative file against the entity schemas (unknown fields caught while parsing). */
export async function readDeclarativeFile(file: string, entities: Entities): Promise<ParsedDeclarative> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new UserError('DECLARATIVE_UNREADABLE', `cannot read declarative configuration ${file}: ${reason}`)
  }
  const schemas = entities.schemaNames().flatMap((name) => entities.schema(name) ?? [])
  return parseDeclarative(text, file, { schemas })
}
