export {
  type ConfigKeyDescription,
  DEFAULT_CONF_COMMAND,
  describeConfig,
  renderDefaultConf,
} from './describe.ts'
export { checkConfigFile, type LoadConfigOptions, loadConfig, pidFilePath } from './load-config.ts'
export { DEFAULT_EGRESS_DENY } from './parse-egress.ts'
export { isLoopback, type ListenAddress } from './parse-listen.ts'
export { CONFIG_SCHEMA, type Config, type ConfigKeyName, LOG_LEVELS, type LogLevel } from './schema.ts'
