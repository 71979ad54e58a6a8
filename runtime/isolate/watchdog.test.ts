import { describe, expect, it } from 'vitest'
import { runChildFixture } from './run-child.fixture.ts'

/** The watchdog itself kills with SIGKILL; a child still alive after 15 s gets SIGTERM. */
const runChild = (mode: string) =>
  runChildFixture('watchdog-child.fixture.ts', [mode], { ms: 15_000, signal: 'SIGTERM' })

describe('crossing watchdog', () => {
  it('kills the process when a crossing cannot be interrupted', async () => {
    const child = await runChild('hang')
    expect(child.signal).toBe('SIGKILL')
    expect(child.stdout).not.toContain('answered')
    expect(child.stderr).toMatch(
      /isogate: watchdog fired \(a bug in isogate, please report it\): a plugin isolate call \(ws\/hostile\) ran \d+ ms past its timeout/,
    )
  })

  it('stays out of the way of ordinary crossings', async () => {
    const child = await runChild('fine')
    expect(child).toMatchObject({ code: 0, signal: null })
    expect(child.stdout).toContain('answered')
  })
})
