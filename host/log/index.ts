export { type AccessLogger, createAccessLogger } from './access-log.ts'
export { closeLoggers } from './destinations.ts'
export { createLogger, LEVEL_VALUES, type Logger } from './logger.ts'
