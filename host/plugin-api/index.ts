export { type ApiAnswer, PluginApi, type PluginApiOptions, type PluginApiRoute } from './plugin-api.ts'
