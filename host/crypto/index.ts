export { hashPassword, isPasswordHash, verifyPassword } from './password-hash.ts'
