import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ChildRun {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

/**
 * Runs a `*-child.fixture.ts` of this folder in its own node process (as a worker runs: no V8
 * snapshot, tsx), for the cases that hang or kill the process running them. A child still alive
 * after `guardMs` gets `guardSignal` (choose one the case itself cannot send).
 */
export function runChildFixture(
  fixture: string,
  args: string[] = [],
  guard: { ms: number; signal: NodeJS.Signals } = { ms: 20_000, signal: 'SIGKILL' },
): Promise<ChildRun> {
  const file = fileURLToPath(new URL(`./${fixture}`, import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', file, ...args], {
      cwd: ROOT,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const timer = setTimeout(() => child.kill(guard.signal), guard.ms)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
