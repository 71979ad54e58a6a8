import type { EntitySchema } from '../schema-types.ts'
import { autoTimestamp, tags, uuid } from './typedefs.ts'

/** kong/db/schema/entities/consumers.lua (3.x). */
export const consumersSchema: EntitySchema = {
  name: 'consumers',
  primaryKey: ['id'],
  endpointKey: 'username',
  workspaceable: true,
  fields: [
    { id: uuid() },
    { created_at: autoTimestamp() },
    { updated_at: autoTimestamp() },
    { username: { type: 'string', unique: true, indexed: true } },
    { custom_id: { type: 'string', unique: true, indexed: true } },
    { tags: tags() },
  ],
  entity_checks: [{ at_least_one_of: ['custom_id', 'username'] }],
}
