/**
 * Run as a child process by watchdog.test.ts (never imported): `hang` blocks the host thread inside
 * a watched crossing (standing in for a bug: no plugin value can do this since isolated-vm is
 * patched), for at most 10 s; `fine` makes ordinary crossings. Prints `answered` when done.
 */
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { startCrossingWatchdog } from './index.ts'

const mode = process.argv[2]
const watchdog = startCrossingWatchdog({ graceMs: 300, checkEveryMs: 20 })
const isolate = await fakeIsolate('{ access() { return {}; } }', { watchdog, label: 'ws/hostile' })
if (mode === 'hang') {
  watchdog.enter(50, 'ws/hostile')
  const until = Date.now() + 10_000
  while (Date.now() < until) {}
  watchdog.leave()
} else {
  for (let i = 0; i < 100; i++) isolate.dispatch(phaseCall('access', `r${i}`), 50)
}
console.log('answered')
isolate.dispose()
await watchdog.stop()
