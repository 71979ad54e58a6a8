import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { atMost, PortTaken, pickPort, withFreshPorts } from './processes.ts'

describe('pickPort', () => {
  it('hands out free loopback ports, each once per run', async () => {
    const ports = new Set<number>()
    for (let i = 0; i < 20; i++) ports.add(await pickPort())
    expect(ports.size).toBe(20)
    const [port] = ports
    const server = createServer()
    // Free when picked: something can listen on it.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('withFreshPorts', () => {
  it('starts again while a port was taken, and says so', async () => {
    let starts = 0
    const started = await withFreshPorts('thing', async () => {
      starts++
      if (starts < 3) throw new PortTaken('taken')
      return 'up'
    })
    expect(started).toBe('up')
    expect(starts).toBe(3)
  })

  it('gives up after the third taken port, with its error', async () => {
    let starts = 0
    const failed = await withFreshPorts('thing', async () => {
      starts++
      throw new PortTaken(`taken ${starts}`)
    }).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(PortTaken)
    expect((failed as Error).message).toBe('taken 3')
    expect(starts).toBe(3)
  })

  it('does not retry other failures', async () => {
    let starts = 0
    const failed = await withFreshPorts('thing', async () => {
      starts++
      throw new Error('bad config')
    }).catch((error: unknown) => error)
    expect((failed as Error).message).toBe('bad config')
    expect(starts).toBe(1)
  })
})

describe('atMost', () => {
  it('runs at most that many at a time, each in turn, a failure freeing its slot', async () => {
    const limit = atMost(2)
    let running = 0
    let most = 0
    const gates: (() => void)[] = []
    const start = (fail: boolean) =>
      limit(async () => {
        running++
        most = Math.max(most, running)
        await new Promise<void>((resolve) => gates.push(resolve))
        running--
        if (fail) throw new Error('failed start')
        return 'up'
      })
    const all = Promise.allSettled([start(true), start(false), start(false), start(false)])
    // Let each started one reach its gate, then open the gates one at a time (bounded).
    for (let round = 0; round < 20 && (gates.length > 0 || running > 0); round++) {
      await new Promise((resolve) => setImmediate(resolve))
      gates.shift()?.()
    }
    const outcomes = await all
    expect(most).toBe(2)
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
  })
})
