export type { HostAnswer } from './messages.ts'
export { PluginHost } from './plugin-host.ts'
