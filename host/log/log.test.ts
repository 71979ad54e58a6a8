import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeLoggers, createAccessLogger, createLogger } from './index.ts'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isogate-log-'))
})
afterEach(async () => {
  await closeLoggers()
  rmSync(dir, { recursive: true, force: true })
})

function readLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('createLogger', () => {
  it("writes JSON lines with Kong's level names at or above log_level", () => {
    const file = join(dir, 'error.log')
    const logger = createLogger({ log_level: 'notice' }, pino.destination({ dest: file, sync: true }))
    logger.debug('hidden')
    logger.info('hidden too')
    logger.notice('started')
    logger.warn({ workspace: 'default' }, 'careful')
    logger.crit('critical')
    logger.alert('alert')
    logger.emerg('emergency')
    const lines = readLines(file)
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['notice', 'started'],
      ['warn', 'careful'],
      ['crit', 'critical'],
      ['alert', 'alert'],
      ['emerg', 'emergency'],
    ])
    expect(lines[1]!.workspace).toBe('default')
    expect(lines[0]!.pid).toBe(process.pid)
    expect(lines[0]!.hostname).toBeUndefined()
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time)
  })

  it('debug shows everything, emerg only emergencies', () => {
    const file = join(dir, 'levels.log')
    const debug = createLogger({ log_level: 'debug' }, pino.destination({ dest: file, sync: true }))
    debug.debug('one')
    const emerg = createLogger({ log_level: 'emerg' }, pino.destination({ dest: file, sync: true }))
    emerg.alert('not written')
    emerg.emerg('two')
    expect(readLines(file).map((line) => line.msg)).toEqual(['one', 'two'])
  })
})

describe('createAccessLogger', () => {
  it('appends one JSON line per entry to a file under prefix, creating its folder', async () => {
    const file = join(dir, 'logs', 'nested', 'access.log')
    const access = createAccessLogger({ proxy_access_log: file })
    expect(access.enabled).toBe(true)
    for (let i = 0; i < 200; i++) access.write({ method: 'GET', path: `/r/${i}`, status: 200 })
    await access.flush()
    expect(readLines(file)).toHaveLength(200)
    access.write({ method: 'POST', path: '/last', status: 201 })
    await closeLoggers()
    const lines = readLines(file)
    expect(lines).toHaveLength(201)
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/r/0', status: 200 })
    expect(lines[200]).toMatchObject({ method: 'POST', path: '/last', status: 201 })
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time)
    expect(lines[0]!.level).toBeUndefined()
    expect(lines[0]!.pid).toBeUndefined()
  })

  it('close is idempotent and flush after close is harmless', async () => {
    const file = join(dir, 'a.log')
    const access = createAccessLogger({ proxy_access_log: file })
    access.write({ n: 1 })
    await access.close()
    await access.close()
    await access.flush()
    expect(readLines(file)).toEqual([expect.objectContaining({ n: 1 })])
  })

  it('writes a lone line out within a second, with no flush and far below the 4 KB buffer', async () => {
    const file = join(dir, 'lone.log')
    const access = createAccessLogger({ proxy_access_log: file })
    access.write({ method: 'GET', path: '/only', status: 200 })
    const deadline = Date.now() + 1_000
    while (readLines(file).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(readLines(file)).toEqual([expect.objectContaining({ path: '/only' })])
    // The timer re-arms for later lines too.
    access.write({ method: 'GET', path: '/second', status: 200 })
    const later = Date.now() + 1_000
    while (readLines(file).length === 1 && Date.now() < later) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(readLines(file).map((line) => line.path)).toEqual(['/only', '/second'])
  })

  it('writes buffered lines when the process exits without closing the log', () => {
    const file = join(dir, 'exit.log')
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const log = pathToFileURL(join(import.meta.dirname, 'index.ts')).href
    // The file is open (flush waits for it) and the lines are still buffered when exit comes.
    const code = `
      const { createAccessLogger } = await import(${JSON.stringify(log)})
      const access = createAccessLogger({ proxy_access_log: ${JSON.stringify(file)} })
      await access.flush()
      for (let i = 0; i < 5; i++) access.write({ n: i })
      process.exit(3)
    `
    const child = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(child.stderr).toBe('')
    expect(child.status).toBe(3)
    expect(readLines(file).map((line) => line.n)).toEqual([0, 1, 2, 3, 4])
  })

  it('writes nothing when off', async () => {
    const access = createAccessLogger({ proxy_access_log: 'off' })
    expect(access.enabled).toBe(false)
    access.write({ n: 1 })
    await access.flush()
    await access.close()
  })
})
