import type KongPdk from 'kong-pdk/kong'

/**
 * kong-pdk's generated PDK types, with `kong.response.exit` taking the body Kong documents (a
 * string or a table encoded as JSON) where the generated declaration says Buffer.
 */
export type Kong = KongPdk & {
  response: {
    exit(status: number, body?: string | object, headers?: Record<string, string>): Promise<null>
  }
}
