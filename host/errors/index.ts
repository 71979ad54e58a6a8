export { ERROR_CODES, type ErrorCode } from './codes.ts'
export {
  type FieldErrors,
  GatewayError,
  isGatewayError,
  type KongErrorBody,
  toKongBody,
} from './gateway-error.ts'
export { combineUserErrors, isUserError, keyError, UserError } from './user-error.ts'
