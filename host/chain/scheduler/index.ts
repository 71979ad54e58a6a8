export {
  DEFAULT_MAX_QUEUE,
  DEFAULT_QUANTUM_US,
  isQueueRefused,
  type QueueRefusal,
  QueueRefused,
  type SchedulerOptions,
  type TurnKind,
  WorkspaceScheduler,
} from './workspace-scheduler.ts'
