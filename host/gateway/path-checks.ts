import { constants } from 'node:fs'
import { access, open, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { keyError } from '../errors/index.ts'

/**
 * The prefix is a folder the node can read and write, or one it can create (its nearest existing
 * parent is a writable folder): start writes node.id, the pid file and the bundle cache there.
 */
export async function checkPrefix(prefix: string): Promise<void> {
  const reason = await folderProblem(prefix)
  if (reason !== null) throw keyError('PREFIX_UNUSABLE', 'prefix', prefix, reason)
}

const SQLITE_HEADER = 'SQLite format 3\0'

/**
 * The SQLite file is a SQLite database (its 16-byte header), or does not exist yet and its folder
 * can be made (start creates both). Read without opening it: cheap enough to run before plugins load.
 */
export async function checkSqliteFile(file: string): Promise<void> {
  if (file === ':memory:') return
  const fail = (reason: string) => keyError('DATABASE_UNAVAILABLE', 'sqlite_path', file, reason)
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error)
  if (info instanceof Error) {
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') throw fail(info.message)
    const reason = await folderProblem(dirname(file))
    if (reason !== null) throw fail(`its folder ${reason}`)
    return
  }
  if (!info.isFile()) throw fail('is not a file')
  // An empty file is a new database to SQLite.
  if (info.size === 0) return
  const header = await readHeader(file).catch((error: Error) => {
    throw fail(error.message)
  })
  if (header !== SQLITE_HEADER) throw fail('is not a SQLite database')
}

async function readHeader(file: string): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(SQLITE_HEADER.length)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead).toString('latin1')
  } finally {
    await handle.close()
  }
}

/** Why `dir` cannot serve as a writable folder, or null. */
async function folderProblem(dir: string): Promise<string | null> {
  let existing = dir
  for (let depth = 0; depth < 256; depth++) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => error)
    if (!(info instanceof Error)) {
      if (!info.isDirectory())
        return existing === dir ? 'is not a directory' : `cannot be created: ${existing} is not a directory`
      const usable = await access(existing, constants.R_OK | constants.W_OK | constants.X_OK).then(
        () => true,
        () => false,
      )
      if (usable) return null
      return existing === dir
        ? 'is not readable and writable'
        : `cannot be created: ${existing} is not writable`
    }
    // ENOTDIR: some parent is a file; walking up finds and names it.
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') return info.message
    const parent = dirname(existing)
    if (parent === existing) return info.message
    existing = parent
  }
  return 'is nested too deep'
}
