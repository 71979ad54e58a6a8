import { connect, type Socket } from 'node:net'
import { loadMsgpack } from './kong-pdk.ts'

const codec = loadMsgpack()

/** One Unix-socket connection carrying one call at a time, as Kong's cosockets do. */
class Connection {
  readonly #socket: Socket
  #buffer: Buffer = Buffer.alloc(0)
  #pending: { resolve(reply: unknown): void; reject(error: Error): void } | null = null
  broken = false

  constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('error', (error) => this.#fail(error))
    socket.on('close', () => this.#fail(new Error('plugin server closed the connection')))
  }

  static open(path: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path)
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new Connection(socket))
      })
    })
  }

  request(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#socket.write(codec.encode(message))
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    let reply: unknown
    try {
      reply = codec.decode(this.#buffer)
    } catch (error) {
      // Only part of the answer has arrived: wait for the rest.
      if (error instanceof RangeError && /Insufficient data/.test(error.message)) return
      this.#fail(error as Error)
      return
    }
    this.#buffer = Buffer.alloc(0)
    const pending = this.#pending
    this.#pending = null
    pending?.resolve(reply)
  }

  #fail(error: Error): void {
    this.broken = true
    const pending = this.#pending
    this.#pending = null
    pending?.reject(error)
  }
}

/**
 * Kong's `Rpc:call` (kong/runloop/plugin_servers/rpc/mp_rpc.lua): a MessagePack-RPC request
 * `[0, id, method, [args]]` on a pooled connection, answered by `[1, id, error, result]`. Counts
 * its round trips. Idle connections are kept for reuse; the pool grows to the peak concurrency.
 */
export class RpcClient {
  readonly #path: string
  readonly #idle: Connection[] = []
  #lastId = 0
  roundTrips = 0

  constructor(socketPath: string) {
    this.#path = socketPath
  }

  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const connection = this.#idle.pop() ?? (await Connection.open(this.#path))
    const id = ++this.#lastId
    this.roundTrips += 1
    const reply = (await connection.request([0, id, method, args])) as unknown[]
    if (!connection.broken) this.#idle.push(connection)
    if (reply[0] !== 1 || reply[1] !== id) throw new Error(`unexpected RPC answer to ${method}`)
    if (reply[2] !== null && reply[2] !== undefined) throw new Error(String(reply[2]))
    return reply[3] as T
  }

  close(): void {
    for (const connection of this.#idle.splice(0)) connection.close()
  }
}
