import { BENCH_CONSUMER } from './bench-consumer.ts'
import type { Kong } from './kong.ts'

interface Credential {
  id: string
  key: string
  consumer: { id: string }
}

/**
 * The bench's credentials, in the plugin server's memory: the isogate rows look the key up in a
 * warm kong.cache, so a lookup without a round trip is the fair counterpart.
 */
const CREDENTIALS = new Map<string, Credential>([
  [
    'bench-key',
    { id: '5d6b5b8e-7f0c-4a8e-9a55-0c5c1f3e2b01', key: 'bench-key', consumer: { id: BENCH_CONSUMER.id } },
  ],
])

/**
 * Kong's key-auth as a JavaScript plugin author writes it: the key from the `apikey` header, a 401
 * without one or with an unknown one, else the consumer authenticated and announced upstream.
 */
class KeyAuth {
  readonly #keyName: string

  constructor(config: { key_names?: string[] }) {
    this.#keyName = config.key_names?.[0] ?? 'apikey'
  }

  async access(kong: Kong) {
    const key = await kong.request.getHeader(this.#keyName)
    if (!key) {
      return kong.response.exit(
        401,
        { message: 'No API key found in request' },
        { 'WWW-Authenticate': 'Key' },
      )
    }
    const credential = CREDENTIALS.get(key)
    if (!credential)
      return kong.response.exit(401, { message: 'Unauthorized' }, { 'WWW-Authenticate': 'Key' })
    await kong.client.authenticate(BENCH_CONSUMER, credential)
    await kong.service.request.setHeader('X-Consumer-ID', BENCH_CONSUMER.id)
    // Kong's set_consumer clears what the consumer lacks, so a client cannot send its own.
    await kong.service.request.clearHeader('X-Consumer-Custom-ID')
    await kong.service.request.setHeader('X-Consumer-Username', BENCH_CONSUMER.username)
    await kong.service.request.setHeader('X-Credential-Identifier', credential.id)
    await kong.service.request.clearHeader('X-Anonymous-Consumer')
  }
}

export const keyAuth = { Name: 'key-auth', Priority: 1250, Version: '1.0.0', Plugin: KeyAuth }
