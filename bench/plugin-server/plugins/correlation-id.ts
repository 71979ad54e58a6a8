import { randomUUID } from 'node:crypto'
import type { Kong } from './kong.ts'

/** uuid#: one UUID per worker, then a counter (the plugin server is this chain's one worker). */
const WORKER_UUID = randomUUID()

/** Kong's correlation-id with its defaults: `Kong-Request-ID`, generator `uuid#`, no echo downstream. */
class CorrelationId {
  readonly #header: string
  #counter = 0

  constructor(config: { header_name?: string }) {
    this.#header = config.header_name ?? 'Kong-Request-ID'
  }

  async access(kong: Kong) {
    const id = await kong.request.getHeader(this.#header)
    if (id) return
    this.#counter += 1
    await kong.service.request.setHeader(this.#header, `${WORKER_UUID}#${this.#counter}`)
  }
}

export const correlationId = {
  Name: 'correlation-id',
  Priority: 100001,
  Version: '1.0.0',
  Plugin: CorrelationId,
}
