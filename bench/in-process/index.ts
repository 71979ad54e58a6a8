export { type InProcessGateway, startInProcessGateway } from './in-process-gateway.ts'
export { createInProcessIsolate, InProcessIsolate } from './in-process-isolate.ts'
