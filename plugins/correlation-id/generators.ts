import type { ClientAddresses, Node, RequestReaders } from 'isogate/sdk'
import { nextUint32, uuid } from './random.ts'
import type { Generator } from './schema.ts'

/** What a generator reads: the PDK parts access and headerFilter both have. */
export interface GeneratorKong {
  node: Node
  request: RequestReaders
  client: ClientAddresses
}

/**
 * Per isolate (Kong: per nginx worker): the UUID `uuid#counter` prefixes, the counter it counts
 * with, and a tag standing for the worker in `tracker` IDs. Made on first use.
 */
let isolateUuid: string | null = null
let counter = 0
let isolateTag: string | null = null

/**
 * Kong's tracker is `server_addr-server_port-worker_pid-connection-connection_requests-now`. A
 * plugin sees no local address, pid or connection serial, so the parts are the nearest the PDK
 * has: node hostname, the port the request came in on, this isolate's tag, the client's
 * address:port (one per connection), a per-isolate request counter, and the request's start time
 * in seconds with milliseconds.
 */
function tracker(kong: GeneratorKong): string {
  isolateTag ??= nextUint32().toString(16).padStart(8, '0')
  counter += 1
  const connection = `${kong.client.getIp()}:${kong.client.getPort()}`
  const seconds = (kong.request.getStartTime() / 1000).toFixed(3)
  return `${kong.node.getHostname()}-${kong.request.getPort()}-${isolateTag}-${connection}-${counter}-${seconds}`
}

export const generators: Record<Generator, (kong: GeneratorKong) => string> = {
  uuid: () => uuid(),
  'uuid#counter': () => {
    isolateUuid ??= uuid()
    counter += 1
    return `${isolateUuid}#${counter}`
  },
  tracker,
}
