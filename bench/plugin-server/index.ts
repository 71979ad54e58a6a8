export { type PluginServerContender, startPluginServerContender } from './contender.ts'
export type { RpcStats } from './rpc-stats.ts'
