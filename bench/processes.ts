import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/helpers/index.ts'
import { CLK_TCK, processTree } from './cpu-time.ts'

const TSX = import.meta.resolve('tsx')

/** Runs a TypeScript file of this folder in its own node process. */
export function spawnScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const file = fileURLToPath(new URL(script, import.meta.url))
  return spawn(process.execPath, ['--no-node-snapshot', '--import', TSX, file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  })
}

/** The first stdout line of a child, parsed as JSON (how the bench's helpers report ports and results). */
export function firstJsonLine<T>(child: ChildProcess, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error('no answer from a benchmark process')), timeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf('\n')
      if (newline === -1) return
      clearTimeout(timer)
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as T)
      } catch (error) {
        reject(error)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`benchmark process exited (${code}) before answering`))
    })
  })
}

// Contenders that need a port of their own (isogate, nginx) get one that was free a moment ago;
// the bench starts everything at once, so until that process binds it, another pick could find it
// free again (hence each port is handed out once per run) and a process listening on port 0, or
// an outgoing connection, could take it (hence withFreshPorts).
const handedOut = new Set<number>()

/** A loopback port free right now and never handed out before in this run. */
export async function pickPort(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}

/** A picked port was taken by another process before the one it was picked for could bind it. */
export class PortTaken extends Error {}

/** Starts something on picked ports, again on new ones (up to 3 times) while its port was taken. */
export async function withFreshPorts<T>(what: string, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start()
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error
      process.stderr.write(`\nbench: a port picked for ${what} was taken meanwhile; starting it on others\n`)
    }
  }
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill(signal)
  })
}

export interface Usage {
  /** User + system CPU seconds of the whole tree. */
  cpuSeconds: number
  /** Sum of the tree's peak resident sets, in MB. */
  peakRssMb: number
  /** Sum of the tree's resident sets now, in MB. */
  rssMb: number
}

/** CPU, and memory now and at its peak, of a process tree, from /proc (Linux). */
export function usage(root: number): Usage {
  let ticks = 0
  let peakKb = 0
  let rssKb = 0
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      peakKb += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    } catch {
      // the process ended while we looked
    }
  }
  return {
    cpuSeconds: ticks / CLK_TCK,
    peakRssMb: Math.round(peakKb / 1024),
    rssMb: Math.round(rssKb / 1024),
  }
}

/**
 * Runs what it is given at most `slots` at a time. Everything the bench starts at once loads node
 * and tsx: on 2 cores, more at once only makes each slower, and a gateway whose worker takes more
 * than 30 s to start (as on a machine busy with other work) fails.
 */
export function atMost(slots: number): <T>(start: () => Promise<T>) => Promise<T> {
  let free = slots
  const waiting: (() => void)[] = []
  return async (start) => {
    if (free > 0) free--
    else await new Promise<void>((resolve) => waiting.push(resolve))
    try {
      return await start()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else free++
    }
  }
}
