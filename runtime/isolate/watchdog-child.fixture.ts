/**
 * Run as a child process by watchdog.test.ts (never imported): `hang` leaves a promise rejected
 * with a value whose `message` getter loops, which isolated-vm reads after the crossing with no
 * timeout; `fine` makes ordinary crossings. Prints `answered` when its call returned.
 */
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { startCrossingWatchdog } from './index.ts'

const mode = process.argv[2]
const watchdog = startCrossingWatchdog({ graceMs: 300, checkEveryMs: 20 })
const handler =
  mode === 'hang'
    ? '{ access() { Promise.reject({ get message() { while (true) {} } }); return {}; } }'
    : '{ access() { return {}; } }'
const isolate = await fakeIsolate(handler, { watchdog, label: 'ws/hostile' })
for (let i = 0; i < 100; i++) isolate.dispatch(phaseCall('access', `r${i}`), 50)
console.log('answered')
isolate.dispose()
await watchdog.stop()
