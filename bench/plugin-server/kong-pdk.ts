import { createRequire } from 'node:module'

/**
 * The parts of the real `kong-pdk` package (Kong/kong-js-pdk, CommonJS without type declarations
 * for them) this contender drives, typed as far as it uses them. `@msgpack/msgpack` is taken from
 * kong-pdk's own dependencies, so both ends of the socket share one MessagePack codec.
 */

const require = createRequire(import.meta.url)
const serverFile = require.resolve('kong-pdk/server.js')

export interface MsgpackCodec {
  encode(value: unknown): Uint8Array
  /** Throws a RangeError while `data` holds only part of a message. */
  decode(data: Uint8Array): unknown
}

export function loadMsgpack(): MsgpackCodec {
  const { Encoder, Decoder } = createRequire(serverFile)('@msgpack/msgpack')
  const encoder = new Encoder()
  const decoder = new Decoder()
  return { encode: (value) => encoder.encode(value), decode: (data) => decoder.decode(data) }
}

/** What kong-pdk's `Module` reads from a plugin module (its `literal` form). */
export interface PluginModule {
  Name: string
  Priority: number
  Version: string
  Plugin: new (config: Record<string, unknown>) => object
}

export interface PluginServerLogger {
  debug(...args: unknown[]): void
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
}

interface KongPdkServer {
  plugins: Map<string, unknown>
  close(): void
}

interface KongPdk {
  Server: new (pluginDir: string | undefined, logger: PluginServerLogger) => KongPdkServer
  Listener: new (server: KongPdkServer, socketPath: string) => { serve(): import('node:net').Server }
  Module: new (name: string, path: undefined, literal: PluginModule) => unknown
}

/** kong-pdk's plugin server, its socket listener and its plugin loader (loading registers ts-node). */
export function loadKongPdk(): KongPdk {
  return {
    Server: require('kong-pdk/server.js'),
    Listener: require('kong-pdk/listener.js'),
    Module: require('kong-pdk/lib/mod.js').Module,
  }
}
