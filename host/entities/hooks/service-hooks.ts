import type { EntityHooks } from '../dao/hooks.ts'
import { expandServiceUrl } from '../schemas/service-url.ts'

export const serviceHooks: EntityHooks = {
  expand: (input) => expandServiceUrl(input),
}
