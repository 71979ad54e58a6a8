import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { HARDEN_SOURCE } from '../isolate/index.ts'
import { EXTRACT_SOURCE } from './extract-source.ts'
import { META_CHILD_SOURCE } from './meta-child-source.ts'

/** Starting a bare node and loading isolated-vm on a busy machine. */
const START_TIMEOUT_MS = 15_000
/** Beyond the two timed steps of one read: creating and disposing its isolate, the IPC. */
const READ_MARGIN_MS = 2_000

/** What the reader process answered for one bundle. */
export type RawMeta =
  | { raw: string }
  | { tooLong: true }
  | { error: string; disposed: boolean }
  /** No answer: the reader did not start, overran its deadline (then killed) or died. */
  | { lost: 'start' | 'timeout' | 'exited' }

export interface MetaLimits {
  memoryMb: number
  timeoutMs: number
  maxChars: number
}

/**
 * Reads bundles' metadata in a child process of their own, one after another, so that no plugin
 * code runs in this process and a read that hangs (isolated-vm copying a poisoned rejection has
 * no timeout) ends when this side kills the reader, not never. Stops at the first bundle that
 * gives no answer.
 */
export async function readRawMetas(codes: readonly string[], limits: MetaLimits): Promise<RawMeta[]> {
  const ivm = createRequire(import.meta.url).resolve('isolated-vm')
  const child = spawn(process.execPath, ['--no-node-snapshot', '-e', META_CHILD_SOURCE, ivm], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  // Failures show as `exit`; a send to a process that just died must not throw out of here.
  child.on('error', () => {})
  const answers: RawMeta[] = []
  try {
    const hello = await next(child, START_TIMEOUT_MS)
    if ('lost' in hello) return [{ lost: 'start' }]
    child.send({ t: 'setup', harden: HARDEN_SOURCE, extract: EXTRACT_SOURCE, ...limits })
    for (const [i, code] of codes.entries()) {
      const waiting = next(child, 2 * limits.timeoutMs + READ_MARGIN_MS)
      child.send({ i, code })
      const answer = (await waiting) as RawMeta
      answers.push(answer)
      if ('lost' in answer) break
    }
    return answers
  } finally {
    child.kill('SIGKILL')
  }
}

/** The child's next message, or why there was none in time. */
function next(child: ChildProcess, timeoutMs: number): Promise<RawMeta | { t: 'hello' }> {
  return new Promise((resolve) => {
    const done = (value: RawMeta | { t: 'hello' }) => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(value)
    }
    const onMessage = (message: RawMeta | { t: 'hello' }) => done(message)
    const onExit = () => done({ lost: 'exited' })
    const timer = setTimeout(() => done({ lost: 'timeout' }), timeoutMs)
    child.on('message', onMessage)
    child.once('exit', onExit)
    if (child.exitCode !== null || child.signalCode !== null) onExit()
  })
}
