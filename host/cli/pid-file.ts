import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { type Config, pidFilePath } from '../config/index.ts'

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid of the node running in this prefix, or null (a stale file counts as none). */
export function runningPid(config: Config): number | null {
  let text: string
  try {
    text = readFileSync(pidFilePath(config), 'utf8')
  } catch {
    return null
  }
  const pid = Number(text.trim())
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null
}

export function writePid(config: Config): void {
  const file = pidFilePath(config)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${process.pid}\n`)
}

export function removePid(config: Config): void {
  // Only our own: a node started since must keep its file.
  if (runningPid(config) === process.pid || runningPid(config) === null)
    rmSync(pidFilePath(config), { force: true })
}
