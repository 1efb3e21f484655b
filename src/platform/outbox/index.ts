// Messages written in the caller's transaction (outbox.ts) and delivered after commit (outbox-relay.ts).
export { enqueueMessage, InvalidMessageError, type Enqueued, type NewMessage } from './outbox';
export { type OutboxStatus } from './outbox-message.entity';
export {
  createOutboxRelay,
  messageIdFor,
  purgeOutbox,
  retryDelayMs,
  type OutboxRelay,
  type OutboxRelayOptions,
  type RelayRound,
} from './outbox-relay';
