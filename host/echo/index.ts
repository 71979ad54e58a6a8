export { type EchoReply, type EchoServer, startEchoServer } from './echo-server.ts'
