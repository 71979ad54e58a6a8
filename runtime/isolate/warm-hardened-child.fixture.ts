/**
 * Run as a child process by warm-code-cache.test.ts (never imported): warms a bundle whose handler
 * uses what plugin isolates are hardened against. An unhardened warm-up isolate aborts this
 * process (a pending Atomics.waitAsync when the isolate is disposed) or grows it past its heap
 * limit (WebAssembly memory); hardened, the calls only throw inside the throwaway.
 */
import { warmCodeCache } from './warm-code-cache.ts'

const HANDLER = `globalThis.__isogatePlugin = { handler: {
  access() {
    globalThis.memories = []
    for (let i = 0; i < 64; i++) globalThis.memories.push(new WebAssembly.Memory({ initial: 1024 }))
  },
  log() {
    Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(16)), 0, 0, 10)
  },
} }`

for (const order of [0, 1]) {
  await warmCodeCache(`${HANDLER}; void ${order}`, 'hostile.js', {
    memoryMb: 32,
    timeoutMs: 1000,
    label: 'warm',
  })
}
await new Promise((resolve) => setTimeout(resolve, 100))
process.stdout.write(`done ${Math.round(process.memoryUsage().rss / 2 ** 20)}\n`)
