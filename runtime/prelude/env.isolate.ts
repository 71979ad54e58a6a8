/** What the `init` message gives: node identity, workspace and trusted_ips. */
import type { EntityInfo, InitCall } from '../protocol.ts'
import { type EgressLists, egressLists } from './egress.isolate.ts'
import { ArrayIsArray, own } from './intrinsics.isolate.ts'
import { type TrustedIps, trustedIps } from './ip.isolate.ts'

export interface Env {
  nodeId: string
  hostname: string
  version: string
  workspace: { id: string; name: string }
  trusted: TrustedIps
  /** kong.db's entities (checked again by the host on every call). */
  entities: EntityInfo[]
  egress: EgressLists
}

export const env: Env = {
  nodeId: '',
  hostname: '',
  version: '',
  workspace: { id: '', name: '' },
  trusted: trustedIps([]),
  entities: [],
  egress: egressLists({}),
}

export function applyInit(message: InitCall): void {
  const node = own(message, 'node') as InitCall['node'] | undefined
  env.nodeId = stringOr(own(node, 'id'))
  env.hostname = stringOr(own(node, 'hostname'))
  env.version = stringOr(own(node, 'version'))
  const workspace = own(message, 'workspace') as InitCall['workspace'] | undefined
  env.workspace = { id: stringOr(own(workspace, 'id')), name: stringOr(own(workspace, 'name')) }
  const list = own(message, 'trustedIps')
  env.trusted = trustedIps(ArrayIsArray(list) ? (list as string[]) : [])
  const entities = own(message, 'entities')
  env.entities = ArrayIsArray(entities) ? (entities as EntityInfo[]) : []
  const egress = own(message, 'egress') as InitCall['egress'] | undefined
  env.egress = egressLists({
    deny: own(egress, 'deny'),
    allow: own(egress, 'allow'),
    ownPorts: own(egress, 'ownPorts'),
    ownAddresses: own(egress, 'ownAddresses'),
  })
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
