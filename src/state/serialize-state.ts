// The state file's text: keys in a fixed order and two-space indents, so a state file diffs cleanly between
// serials (people keep it in git in flag mode) and the same document always gives the same bytes.
import type { StateDocument, StateHistoryEntry, StateResource } from './state-document.js';

export function serializeState(state: StateDocument): string {
  const ordered = {
    version: state.version,
    lineage: state.lineage,
    serial: state.serial,
    pgrepl_version: state.pgrepl_version,
    spec: state.spec === null ? null : { path: state.spec.path, hash: state.spec.hash },
    resources: state.resources.map(orderResource),
    history: state.history.map(orderHistory),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function orderResource(r: StateResource): StateResource {
  return {
    address: r.address,
    kind: r.kind,
    attributes: r.attributes,
    ...(r.status === undefined ? {} : { status: r.status }),
    updated_at: r.updated_at,
  };
}

function orderHistory(h: StateHistoryEntry): StateHistoryEntry {
  return { serial: h.serial, at: h.at, command: h.command, summary: h.summary };
}
