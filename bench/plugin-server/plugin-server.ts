/**
 * The plugin server process: kong-pdk's own `Server` (instances, events, the PDK bridge) behind its
 * own `Listener` (MessagePack RPC on a Unix socket), serving the bench's five plugins. This is what
 * kong-pdk's `kong-js-pluginserver` binary wires up, except that the plugins are handed to it as
 * loaded modules (its `literal` form) instead of `require`d from a directory, so they can be
 * TypeScript run by tsx. Prints `{"ready":true}` once listening; exits when its parent (the
 * gateway) closes stdin or on SIGTERM.
 */
import { loadKongPdk, type PluginServerLogger } from './kong-pdk.ts'
import { JS_PLUGINS } from './plugins/index.ts'

const socketPath = process.argv[2]
if (!socketPath) throw new Error('usage: plugin-server.ts <socket path>')

/**
 * The binary's default level (info) prints only at start; warnings and errors go to stderr, but
 * for the refusal of an instance kong-pdk dropped after 60 s idle, which the gateway answers by
 * starting it again (as Kong does): the bench leaves a contender idle that long between rounds.
 */
function report(...args: unknown[]): void {
  if (!/no plugin instance/.test(args.join(' '))) console.error('[plugin server]', ...args)
}

const logger: PluginServerLogger = { debug() {}, info() {}, warn: report, error: report }

const { Server, Listener, Module } = loadKongPdk()
const server = new Server(undefined, logger)
for (const plugin of JS_PLUGINS) server.plugins.set(plugin.Name, new Module(plugin.Name, undefined, plugin))
const listener = new Listener(server, socketPath).serve()

function stop(): void {
  server.close()
  listener.close()
  process.exit(0)
}

listener.once('listening', () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`))
process.stdin.on('end', stop)
process.stdin.resume()
process.once('SIGTERM', stop)
