// Progress in a terminal: a live per-table view redrawn in place at most every REDRAW_INTERVAL_MS (10 times a
// second), with finished steps, copies and warnings printed above it as permanent lines. The view itself is the pure
// renderLiveView(); this file only moves the cursor: up over the lines drawn last time, clear to the end of the
// screen, draw again. Lines are cut to the terminal's width so a wrapped line never throws the cursor count off.
import type { ApplyEvent } from '../../apply/types.js';
import { formatCopyDone, formatStepDone, renderLiveView } from './format-progress.js';
import type { ProgressView } from './log-progress.js';
import { ProgressTracker } from './progress-tracker.js';

export const REDRAW_INTERVAL_MS = 100;
const MAX_TABLES_SHOWN = 12;
const DEFAULT_COLUMNS = 100;

export interface TtyStream {
  write(text: string): boolean;
  readonly columns?: number;
}

export function createTtyProgress(stream: TtyStream, opts: { readonly totalSteps: number }): ProgressView {
  const tracker = new ProgressTracker(opts.totalSteps);
  // Lines to print above the view at the next redraw (finished steps, copies, warnings), in order.
  const pending: string[] = [];
  let drawn = 0;
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;

  const clear = (): string => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '');
  const draw = (withView: boolean): void => {
    // A terminal that reports no size (0, as under `script`) gets a common width rather than a 20-column view.
    const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
    const width = Math.max(20, columns - 1);
    const view = withView ? renderLiveView(tracker, { width, maxTables: MAX_TABLES_SHOWN }) : [];
    const text = [...pending.splice(0), ...view].map((l) => `${l}\n`).join('');
    stream.write(clear() + text);
    drawn = view.length;
    dirty = false;
  };
  const schedule = (): void => {
    dirty = true;
    if (timer !== null) return;
    draw(true);
    timer = setInterval(() => {
      if (dirty) draw(true);
    }, REDRAW_INTERVAL_MS);
    timer.unref();
  };

  const onEvent = (event: ApplyEvent): void => {
    tracker.apply(event);
    if (event.type === 'step-done') pending.push(formatStepDone(event.step.address, event.step.action, event.seconds));
    else if (event.type === 'copy-done') pending.push(formatCopyDone(event.database, event.rows, event.bytes, event.seconds));
    else if (event.type === 'message') pending.push(event.level === 'warning' ? `Warning: ${event.text}` : event.text);
    schedule();
  };
  const finish = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    // The summary that follows says it all: the permanent lines stay, the live view goes.
    draw(false);
  };
  return { onEvent, finish };
}
