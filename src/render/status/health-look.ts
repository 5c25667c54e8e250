// How each health looks, in one table (STYLE.md #1): the renderer never switches on a health string.
import type { Health } from '../../status/types.js';

export type LookColour = 'green' | 'cyan' | 'yellow' | 'red' | 'dim';

export const HEALTH_LOOK: Readonly<Record<Health, { readonly label: string; readonly colour: LookColour; readonly symbol: string }>> = {
  healthy: { label: 'healthy', colour: 'green', symbol: '✓' },
  paused: { label: 'paused', colour: 'cyan', symbol: '‖' },
  syncing: { label: 'syncing', colour: 'cyan', symbol: '…' },
  lagging: { label: 'lagging', colour: 'yellow', symbol: '!' },
  broken: { label: 'broken', colour: 'red', symbol: '✗' },
  'not-started': { label: 'not started', colour: 'yellow', symbol: '-' },
  'snapshot-only': { label: 'snapshot only', colour: 'dim', symbol: '-' },
};
