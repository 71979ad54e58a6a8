import { runPdkCall } from './pdk-api.ts'
import type { RequestState } from './request-state.ts'
import type { RpcClient } from './rpc-client.ts'

/** A guard: no handler of the bench makes this many PDK calls in one event. */
const MAX_STEPS = 1_000

type Phase = 'access' | 'response'

interface Step {
  Data: 'ret' | { Method: string; Args: unknown }
  EventId: number
}

interface Instance {
  name: string
  config: Record<string, unknown>
  phases: string[]
  priority: number
  id: number
  restarting?: Promise<void>
}

/** Counters a test reads to see one round trip per PDK call. */
export interface ChainCounters {
  events: number
  pdkCalls: number
}

/**
 * The bench's plugins as Kong runs external plugins (kong/runloop/plugin_servers): their info and
 * one instance each from the plugin server at start, then per phase, in priority order, one
 * `plugin.HandleEvent` and one Step round trip per PDK call the handler makes (`bridge_loop`).
 */
export class PluginChain {
  readonly counters: ChainCounters = { events: 0, pdkCalls: 0 }
  readonly #rpc: RpcClient
  readonly #instances: Instance[]

  private constructor(rpc: RpcClient, instances: Instance[]) {
    this.#rpc = rpc
    this.#instances = instances.sort((a, b) => b.priority - a.priority)
  }

  static async start(
    rpc: RpcClient,
    plugins: { name: string; config?: Record<string, unknown> }[],
  ): Promise<PluginChain> {
    const instances: Instance[] = []
    for (const { name, config = {} } of plugins) {
      const info = await rpc.call<{ Phases: string[]; Priority: number }>('plugin.GetPluginInfo', name)
      const instance = { name, config, phases: info.Phases, priority: info.Priority, id: -1 }
      instance.id = await startInstance(rpc, instance)
      instances.push(instance)
    }
    return new PluginChain(rpc, instances)
  }

  /** Runs `phase` of every plugin that has it; stops after the handler that called `kong.response.exit`. */
  async run(phase: Phase, state: RequestState): Promise<void> {
    for (const instance of this.#instances) {
      if (!instance.phases.includes(phase)) continue
      await this.#handleEvent(instance, phase, state)
      if (state.exit) return
    }
  }

  /** Kong's `handle_event`: an instance the server dropped (idle for 60 s) is started again once. */
  async #handleEvent(instance: Instance, phase: Phase, state: RequestState): Promise<void> {
    const id = instance.id
    try {
      await this.#bridgeLoop(id, phase, state)
    } catch (error) {
      if (!/no plugin instance/i.test((error as Error).message)) throw error
      if (instance.id === id) {
        instance.restarting ??= startInstance(this.#rpc, instance).then((fresh) => {
          instance.id = fresh
          instance.restarting = undefined
        })
        await instance.restarting
      }
      await this.#bridgeLoop(instance.id, phase, state)
    }
  }

  async #bridgeLoop(instanceId: number, phase: Phase, state: RequestState): Promise<void> {
    this.counters.events += 1
    let step = await this.#rpc.call<Step>('plugin.HandleEvent', { InstanceId: instanceId, EventName: phase })
    const eventId = step.EventId
    for (let steps = 0; step.Data !== 'ret'; steps++) {
      if (steps === MAX_STEPS) throw new Error(`event ${eventId} made more than ${MAX_STEPS} PDK calls`)
      this.counters.pdkCalls += 1
      const [result, method] = runPdkCall(state, step.Data.Method, step.Data.Args)
      step = await this.#rpc.call<Step>(method, { EventId: eventId, Data: result })
    }
  }
}

async function startInstance(rpc: RpcClient, instance: Instance): Promise<number> {
  const status = await rpc.call<{ Id: number }>('plugin.StartInstance', {
    Name: instance.name,
    Config: JSON.stringify(instance.config),
  })
  return status.Id
}
