// Messages written in the caller's transaction (outbox.ts) and delivered after commit (outbox-relay.ts).
export { enqueueMessage, InvalidMessageError, type NewMessage } from './outbox';
export { createOutboxRelay, messageIdFor, purgeOutbox, retryDelayMs, type OutboxRelay } from './outbox-relay';
