// The replication primitives the planner (pure builders) and the apply engine (I/O) call: publication and
// subscription SQL, the slot whose snapshot the copy reads, and the runners for source and target statements.
export { checkReplicationName, REPLICATION_NAME_PATTERN, type ReplicationObjectKind } from './names.js';
export {
  addTablesStatements, createPublicationStatements, dropPublicationStatements, dropTablesStatements, setFilterStatements, setPublishStatements,
  type CreatePublicationOptions, type PublishedAction, type PublishedTable, type PublishOptions,
} from './publication-sql.js';
export {
  alterSubscriptionOptionsSql, commentOnSubscriptionSql, createSubscriptionSql, detachAndDropStatements, disableSql, enableSql,
  redactedCreateSubscriptionSql, refreshPublicationSql, subscriptionOptionSupport, subscriptionStatements,
  type AlterInPlace, type CreateSubscriptionFlags, type OptionSupport, type SubscriptionOptions, type SubscriptionOptionValue,
} from './subscription-sql.js';
export {
  createReplicationSlot, DEFAULT_DROP_WAIT_MS, DEFAULT_SLOT_TIMEOUT_MS, dropReplicationSlot,
  type CreateSlotOptions, type DropSlotOptions, type SlotBlocker, type SlotHolder,
} from './slot.js';
export { runSourceStatements, type RunSourceStatementsOptions, type SourceStatement } from './source-sql.js';
export { createSubscription, SubscriptionError } from './subscription.js';
