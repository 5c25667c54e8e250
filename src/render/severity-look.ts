// How diagnostics look, in one table like ACTION_INFO, so the renderer never switches on a severity string.
import type { Diagnostic } from '../util/errors.js';

export const SEVERITY_LOOK: Readonly<Record<Diagnostic['severity'], { readonly label: string; readonly colour: 'red' | 'yellow' }>> = {
  error: { label: 'Error', colour: 'red' },
  warning: { label: 'Warning', colour: 'yellow' },
};
