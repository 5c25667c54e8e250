// The engine's view of the state: the last document written, and writes that happen only when resources changed
// (serial + 1 through the store's compare-and-swap), so a 1,000-table plan does not write a file per table.
import type { StateDocument, StateHistoryEntry } from '../state/state-document.js';
import { appendHistory, bumpSerial } from '../state/state-edits.js';
import { sameResources } from './state-records.js';
import type { StateStore } from './types.js';

export class StateWriter {
  private state: StateDocument;
  private readonly store: StateStore;
  /** Whether anything was written (the result's state is the base otherwise). */
  wrote = false;

  constructor(store: StateStore, base: StateDocument) {
    this.store = store;
    this.state = base;
  }

  get current(): StateDocument {
    return this.state;
  }

  /** Applies `edit`; writes when the resources changed. Returns whether it wrote. */
  async update(edit: (state: StateDocument) => StateDocument): Promise<boolean> {
    const next = edit(this.state);
    if (sameResources(next, this.state)) return false;
    await this.write(next);
    return true;
  }

  /** The closing write: the history entry (with whatever resources the document holds). */
  async finish(entry: Omit<StateHistoryEntry, 'serial'>): Promise<void> {
    await this.write(this.state, entry);
  }

  private async write(next: StateDocument, entry?: Omit<StateHistoryEntry, 'serial'>): Promise<void> {
    const bumped = bumpSerial(next);
    this.state = await this.store.write(entry === undefined ? bumped : appendHistory(bumped, entry));
    this.wrote = true;
  }
}
