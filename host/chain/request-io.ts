import type { IncomingMessage } from 'node:http'
import type { IoRequest } from '../../runtime/protocol.ts'
import { DbCallCounter } from '../data/index.ts'
import type { ChainEntry } from '../plugins/index.ts'
import { performCache } from './cache-io.ts'
import type { ChainRuntime } from './chain-runtime.ts'
import { performCrypto } from './crypto-io.ts'
import type { RequestModel } from './request-model.ts'

/**
 * The host I/O one request's plugins await: the client's body, the upstream's buffered body,
 * kong.crypto, and kong.db / kong.cache in the request's workspace for the plugin that asked.
 */
export class RequestIo {
  /** The upstream's buffered body once the response phase has it (kong.service.response.getRawBody). */
  serviceBody: Buffer | null = null
  private body: Promise<Buffer> | null = null
  /** kong.db calls per plugin in this request (DB_LIMITS.callsPerRequest). */
  private readonly dbCalls = new DbCallCounter()

  constructor(
    private readonly runtime: ChainRuntime,
    private readonly req: IncomingMessage,
    private readonly model: RequestModel,
    private readonly wsId: string,
  ) {}

  /** Performs one operation a handler of `group` awaits; its value must survive JSON.stringify. */
  async perform(request: IoRequest, group: readonly ChainEntry[]): Promise<unknown> {
    switch (request.op) {
      case 'request.getRawBody':
        return (await this.readBody()).toString('utf8')
      case 'service.response.getRawBody':
        return this.serviceBody?.toString('utf8') ?? ''
      case 'crypto':
        return performCrypto(request.args)
      default: {
        const data = this.runtime.options.data
        if (data === undefined) throw new Error(`${request.op} is not available in this gateway`)
        const plugin = this.callerOf(request, group)
        if (request.op === 'db') {
          this.dbCalls.take(plugin)
          return data.client.db(this.wsId, plugin, request.args)
        }
        return performCache(data, this.wsId, plugin, request.op, request.args)
      }
    }
  }

  /**
   * Which plugin asked. With one isolate per plugin, the isolate says so and nothing the isolate
   * claims matters; a workspace isolate runs the workspace's plugins in one heap (they are one
   * trust domain, see docs/architecture.md), so its frame's plugin is taken when it runs there.
   */
  private callerOf(request: IoRequest, group: readonly ChainEntry[]): string {
    const first = (group[0] as ChainEntry).plugin.name
    if (this.runtime.options.isolation === 'plugin') return first
    const claimed = request.plugin
    return typeof claimed === 'string' && this.runtime.hasPlugin(claimed) ? claimed : first
  }

  /** Reads the client's body once (bounded); it is then sent upstream from memory. */
  private readBody(): Promise<Buffer> {
    this.body ??= new Promise<Buffer>((resolve, reject) => {
      const { req } = this
      const limit = this.runtime.options.maxBodyBytes
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) {
          req.destroy()
          reject(new Error('the request body is larger than plugins may read'))
        } else chunks.push(chunk)
      })
      req.once('end', () => {
        const body = Buffer.concat(chunks)
        this.model.upstreamBody ??= body
        resolve(body)
      })
      req.once('error', reject)
    })
    return this.body
  }
}
