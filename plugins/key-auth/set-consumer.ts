import type { AccessKong, ConsumerEntity, Entity } from 'isogate/sdk'

/**
 * Kong's set_consumer: authenticates the request and tells the upstream who it is. Each header is
 * set when there is a value and cleared otherwise, so a client cannot send its own.
 */
export function setConsumer(
  kong: AccessKong,
  consumer: ConsumerEntity | null,
  credential: Entity | null,
): void {
  kong.client.authenticate(consumer, credential)
  const upstream = kong.service.request
  const put = (name: string, value: unknown) => {
    if (value === undefined || value === null) upstream.clearHeader(name)
    else upstream.setHeader(name, String(value))
  }
  put('X-Consumer-ID', consumer?.id)
  put('X-Consumer-Custom-ID', consumer?.custom_id)
  put('X-Consumer-Username', consumer?.username)
  put('X-Credential-Identifier', credential?.id)
  put('X-Anonymous-Consumer', credential ? null : 'true')
}
