import type { Socket } from 'node:net'
import type { ProxyStats } from './types.ts'

interface SocketRecord {
  inflight: number
  /** socket.bytesRead / bytesWritten when the previous request on it was logged. */
  readMark: number
  writeMark: number
}

/** Where one request is, for the reading/writing split of nginx's stub_status. */
export interface RequestPhase {
  state: 'reading' | 'writing' | 'done'
  socket: Socket
}

/**
 * Connection and request counters with nginx stub_status meanings: `reading` = requests whose body
 * is still arriving, `writing` = requests being proxied or answered, `waiting` = the other open
 * (idle keep-alive) connections.
 */
export class ConnectionStats {
  private accepted = 0
  private active = 0
  private reading = 0
  private writing = 0
  private requests = 0
  private readonly sockets = new Map<Socket, SocketRecord>()
  private drained: (() => void) | null = null

  onConnection(socket: Socket): void {
    this.accepted++
    this.active++
    this.sockets.set(socket, { inflight: 0, readMark: 0, writeMark: 0 })
    socket.once('close', () => {
      this.active--
      this.sockets.delete(socket)
      if (this.sockets.size === 0) this.drained?.()
    })
  }

  /** Counts a request that node:http could not even parse (431, 400, 408). */
  countRejected(): void {
    this.requests++
  }

  startRequest(socket: Socket, hasBody: boolean): RequestPhase {
    this.requests++
    const record = this.sockets.get(socket)
    if (record) record.inflight++
    if (hasBody) this.reading++
    else this.writing++
    return { state: hasBody ? 'reading' : 'writing', socket }
  }

  bodyReceived(phase: RequestPhase): void {
    if (phase.state !== 'reading') return
    this.reading--
    this.writing++
    phase.state = 'writing'
  }

  /** Ends the request; answers the bytes read and written on its socket since the previous one. */
  finishRequest(phase: RequestPhase): { received: number; sent: number } {
    if (phase.state === 'reading') this.reading--
    else if (phase.state === 'writing') this.writing--
    phase.state = 'done'
    const { socket } = phase
    const record = this.sockets.get(socket)
    if (!record) return { received: socket.bytesRead, sent: socket.bytesWritten }
    record.inflight--
    const received = socket.bytesRead - record.readMark
    const sent = socket.bytesWritten - record.writeMark
    record.readMark = socket.bytesRead
    record.writeMark = socket.bytesWritten
    return { received, sent }
  }

  /** True while a request on this socket has not finished (a raw error reply would interleave). */
  busy(socket: Socket): boolean {
    return (this.sockets.get(socket)?.inflight ?? 0) > 0
  }

  /** Ends every connection with no request in progress (idle keep-alive or not yet sent one). */
  closeIdle(): void {
    for (const [socket, record] of this.sockets) {
      if (record.inflight > 0) continue
      // A response may still sit in the socket's buffer: let it flush first.
      if (socket.writableLength > 0) socket.end()
      else socket.destroy()
    }
  }

  destroyAll(): void {
    for (const socket of this.sockets.keys()) socket.destroy()
  }

  /** Resolves once no client connection is open. */
  whenNoConnections(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.drained = resolve
    })
  }

  snapshot(): ProxyStats {
    const busy = this.reading + this.writing
    return {
      connections_active: this.active,
      connections_accepted: this.accepted,
      connections_handled: this.accepted,
      connections_reading: this.reading,
      connections_writing: this.writing,
      connections_waiting: Math.max(0, this.active - busy),
      total_requests: this.requests,
    }
  }
}
