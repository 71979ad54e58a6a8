import type { ConfigSnapshot, PluginEntity } from '../entities/index.ts'
import type {
  Candidate,
  ChainEntry,
  Chains,
  PerScheme,
  RouteChain,
  Scheme,
  WorkspacePlugins,
} from './chain-types.ts'
import type { CatalogPlugin, PluginCatalog } from './types.ts'

const SCHEMES: readonly Scheme[] = ['http', 'https']

/** A workspace's instances of one plugin, indexed by what they are scoped to. */
interface PluginInstances {
  plugin: CatalogPlugin
  unscoped: PluginEntity[]
  byRoute: Map<string, PluginEntity[]>
  byService: Map<string, PluginEntity[]>
}

/**
 * Kong's precedence of scoped instances (kong/runloop/plugins_iterator.lua `lookup_cfg`), 1 =
 * most specific: route+service+consumer, route+consumer, service+consumer, route+service,
 * consumer, route, service, global.
 */
function rank(instance: PluginEntity): number {
  const r = instance.route !== null
  const s = instance.service !== null
  if (instance.consumer !== null) return r && s ? 1 : r ? 2 : s ? 3 : 5
  return r && s ? 4 : r ? 6 : s ? 7 : 8
}

function best(instances: readonly PluginEntity[]): PluginEntity | null {
  let chosen: PluginEntity | null = null
  for (const instance of instances) if (chosen === null || rank(instance) < rank(chosen)) chosen = instance
  return chosen
}

function push<K>(map: Map<K, PluginEntity[]>, key: K, instance: PluginEntity): void {
  const list = map.get(key)
  if (list) list.push(instance)
  else map.set(key, [instance])
}

/**
 * A plugin that may not be scoped to a consumer/route/service is looked up as if the request had
 * none (Kong's no_consumer/no_route/no_service); an instance scoped that way can never apply.
 */
function canApply(plugin: CatalogPlugin, instance: PluginEntity): boolean {
  const { noConsumer, noRoute, noService } = plugin.schema
  return !(
    (noConsumer && instance.consumer !== null) ||
    (noRoute && instance.route !== null) ||
    (noService && instance.service !== null)
  )
}

function candidate(
  index: PluginInstances,
  routeId: string | null,
  serviceId: string | null,
): Candidate | null {
  const relevant = [
    ...index.unscoped,
    ...(routeId === null ? [] : (index.byRoute.get(routeId) ?? [])).filter(
      (instance) => instance.service === null || instance.service.id === serviceId,
    ),
    ...(serviceId === null ? [] : (index.byService.get(serviceId) ?? [])),
  ]
  if (relevant.length === 0) return null
  const base = {} as PerScheme<PluginEntity | null>
  const global = {} as PerScheme<PluginEntity | null>
  const consumers = new Map<string, PerScheme<PluginEntity | null>>()
  for (const scheme of SCHEMES) {
    const usable = relevant.filter((instance) => instance.protocols.includes(scheme))
    const anonymous = usable.filter((instance) => instance.consumer === null)
    base[scheme] = best(anonymous)
    global[scheme] = anonymous.find((instance) => rank(instance) === 8) ?? null
    for (const consumer of new Set(usable.flatMap((instance) => instance.consumer?.id ?? []))) {
      const forConsumer = best([
        ...anonymous,
        ...usable.filter((instance) => instance.consumer?.id === consumer),
      ])
      const entry = consumers.get(consumer) ?? { http: null, https: null }
      entry[scheme] = forConsumer
      consumers.set(consumer, entry)
    }
  }
  for (const entry of consumers.values()) {
    for (const scheme of SCHEMES) entry[scheme] ??= base[scheme]
  }
  return { plugin: index.plugin, base, global, consumers }
}

const entries = (candidates: readonly Candidate[], pick: (candidate: Candidate) => PluginEntity | null) =>
  candidates.flatMap((c): ChainEntry[] => {
    const instance = pick(c)
    return instance === null ? [] : [{ plugin: c.plugin, instance }]
  })

function routeChain(
  wsId: string,
  routeId: string | null,
  serviceId: string | null,
  indexes: readonly PluginInstances[],
): RouteChain {
  const candidates = indexes.flatMap((index) => candidate(index, routeId, serviceId) ?? [])
  const perScheme = (pick: (candidate: Candidate, scheme: Scheme) => PluginEntity | null) => ({
    http: entries(candidates, (c) => pick(c, 'http')),
    https: entries(candidates, (c) => pick(c, 'https')),
  })
  return {
    wsId,
    routeId,
    serviceId,
    candidates,
    base: perScheme((c, scheme) => c.base[scheme]),
    globals: perScheme((c, scheme) => c.global[scheme]),
    consumerScoped: candidates.some((c) => c.consumers.size > 0),
  }
}

/** Every workspace's enabled instances of catalog plugins, indexed, in run order. */
function indexInstances(snapshot: ConfigSnapshot, catalog: PluginCatalog) {
  const byWorkspace = new Map<string, Map<string, PluginInstances>>()
  const missing = new Set<string>()
  for (const instance of snapshot.plugins) {
    const plugin = catalog.get(instance.name)
    if (!plugin) {
      missing.add(instance.name)
      continue
    }
    if (!instance.enabled || !canApply(plugin, instance)) continue
    const plugins = byWorkspace.get(instance.ws_id) ?? new Map<string, PluginInstances>()
    byWorkspace.set(instance.ws_id, plugins)
    let index = plugins.get(plugin.name)
    if (!index) {
      index = { plugin, unscoped: [], byRoute: new Map(), byService: new Map() }
      plugins.set(plugin.name, index)
    }
    if (instance.route !== null) push(index.byRoute, instance.route.id, instance)
    else if (instance.service !== null) push(index.byService, instance.service.id, instance)
    else index.unscoped.push(instance)
  }
  const order = new Map(catalog.plugins.map((plugin, position) => [plugin.name, position]))
  const sorted = new Map<string, PluginInstances[]>()
  for (const [wsId, plugins] of byWorkspace) {
    sorted.set(
      wsId,
      [...plugins.values()].sort((a, b) => (order.get(a.plugin.name) ?? 0) - (order.get(b.plugin.name) ?? 0)),
    )
  }
  return { byWorkspace: sorted, missing: [...missing].sort() }
}

function workspacePlugins(snapshot: ConfigSnapshot, catalog: PluginCatalog): Map<string, WorkspacePlugins> {
  const workspaces = new Map<string, WorkspacePlugins>()
  const configs = new Map<string, Map<string, Record<string, Record<string, unknown>>>>()
  for (const workspace of snapshot.workspaces) {
    const byPlugin = new Map<string, Record<string, Record<string, unknown>>>()
    configs.set(workspace.id, byPlugin)
    workspaces.set(workspace.id, { id: workspace.id, name: workspace.name, configs: byPlugin })
  }
  for (const instance of snapshot.plugins) {
    const byPlugin = configs.get(instance.ws_id)
    if (!byPlugin || !instance.enabled || !catalog.get(instance.name)) continue
    const list = byPlugin.get(instance.name) ?? {}
    list[instance.id] = instance.config
    byPlugin.set(instance.name, list)
  }
  return workspaces
}

/**
 * Plugin selection for a snapshot, computed once: per route, every plugin of the route's
 * workspace with an instance that can apply there (scoped to the route, its service, a consumer,
 * or global), enabled ones only, with the most specific choice precomputed per scheme and per
 * consumer. Requests no route matched get the `default` workspace's global instances.
 */
export function buildChains(snapshot: ConfigSnapshot, catalog: PluginCatalog): Chains {
  const { byWorkspace, missing } = indexInstances(snapshot, catalog)
  const routes = new Map<string, RouteChain>()
  for (const route of snapshot.routes) {
    const indexes = byWorkspace.get(route.ws_id) ?? []
    routes.set(route.id, routeChain(route.ws_id, route.id, route.service?.id ?? null, indexes))
  }
  const fallback = snapshot.workspaces.find((workspace) => workspace.name === 'default')
  const fallbackId = fallback?.id ?? ''
  return {
    version: snapshot.version,
    routes,
    unmatched: routeChain(fallbackId, null, null, byWorkspace.get(fallbackId) ?? []),
    workspaces: workspacePlugins(snapshot, catalog),
    missing,
  }
}
