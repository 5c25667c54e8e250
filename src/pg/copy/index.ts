// The data-copy engine in one import (apply wires it; see copy-tables.ts for the design).
export { copyTables, planUnits } from './copy-tables.js';
export { exportSnapshot, type SnapshotHolder } from './export-snapshot.js';
export { CopyCancelledError, CopyError } from './copy-error.js';
export { FAULT_ENV, InjectedFaultError, afterStepFault, killMidCopyFaultRows, killSelf, midCopyFaultRows } from './fault.js';
export { formatForTypes } from './choose-format.js';
export type { CopyFormat, CopyProgress, CopySummary, CopyTable, CopyTableResult, CopyTablesOptions, TriggerGuard } from './types.js';
