/**
 * The Kong-style external plugin server contender: the bench's five plugins behind the real
 * kong-pdk plugin server (Kong/kong-js-pdk, npm `kong-pdk`), driven by a lean Node gateway the
 * way Kong drives it.
 *
 * Faithful to Kong:
 * - the plugin server is kong-pdk's own code (its `Server` and `Listener`: instances, events,
 *   the PDK bridge, MessagePack RPC on a Unix socket) in a separate Node process;
 * - the gateway speaks Kong's side of that protocol (mp_rpc.lua): `plugin.GetPluginInfo` and
 *   `plugin.StartInstance` at start, then per plugin phase one `plugin.HandleEvent` and, for each
 *   PDK call the handler awaits, one round trip that runs it against the real request and answers
 *   it by the Step method Kong picks (`StepCredential`, `StepConsumer`, `StepMultiMap`, `Step`);
 *   one call at a time per pooled connection, as Kong's cosockets;
 * - plugins run in Kong's priority order; `kong.response.exit` is a delayed response that ends the
 *   chain after its handler returns; the `response` phase (external plugins have no header_filter)
 *   buffers the upstream answer; an instance the server dropped after 60 s idle is restarted;
 * - the plugins are written as a kong-pdk author writes them: classes with async phase handlers,
 *   each `await kong.…` one round trip.
 *
 * Not faithful (each in the contender's favour or neutral):
 * - key-auth's credential and consumer and acl's groups are looked up in the plugin server's
 *   memory, with no round trip: the isogate rows read them from a warm kong.cache;
 * - the plugins make the fewest PDK calls their Kong behaviour needs (key-auth reads only the
 *   `apikey` header, not the whole header and query tables; correlation-id does not put the id
 *   in the log serializer);
 * - the plugins are handed to kong-pdk's Server as loaded modules (kong-pdk's `literal` form)
 *   rather than `require`d from a directory by its `kong-js-pluginserver` binary, so they can be
 *   TypeScript under tsx; the binary wires up the same Server and Listener;
 * - the gateway is no gateway beyond that: no routing, no X-Forwarded-* or Via headers, no
 *   latency headers, no logging, and the plugin configuration is fixed (BENCH_PLUGINS) with the
 *   defaults each plugin applies itself instead of Kong's schema.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Contender } from '../contenders.ts'
import { treeCpu } from '../cpu-time.ts'
import { BENCH_KEY } from '../plugin-figures.ts'
import { firstJsonLine, spawnScript, stopProcess } from '../processes.ts'
import { STATS_PATH } from './rpc-stats.ts'

/** The contender, plus what a test checks: the plugin server's process and socket, the counters. */
export interface PluginServerContender extends Contender {
  pluginServerPid: number
  socketPath: string
  /** `GET` answers the gateway's RpcStats. */
  statsUrl: string
}

/**
 * Starts the gateway (which starts the plugin server as its child, so `pid` is the root of both)
 * with its Unix socket in a temp dir that `stop` removes.
 */
export async function startPluginServerContender(upstream: string): Promise<PluginServerContender> {
  const dir = mkdtempSync(join(tmpdir(), 'isogate-pdk-'))
  const socketPath = join(dir, 'js_pluginserver.sock')
  const child = spawnScript('./plugin-server/gateway.ts', [upstream, socketPath])
  const stop = async () => {
    await stopProcess(child)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const { port, pluginServerPid } = await firstJsonLine<{ port: number; pluginServerPid: number }>(child)
    const url = `http://127.0.0.1:${port}`
    return {
      name: 'Kong-style plugin server (kong-pdk), 5 plugins',
      url,
      pid: child.pid as number,
      stop,
      cpu: treeCpu(child.pid as number, 'proxy + plugin server'),
      headers: { ...BENCH_KEY },
      pluginServerPid,
      socketPath,
      statsUrl: url + STATS_PATH,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
