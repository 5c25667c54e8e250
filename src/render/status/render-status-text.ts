// `pgrepl status` for people: one compact block per database (health first, then the subscription, its tables,
// the slot and the lag), the reasons and warnings under it, the pending-delete leftovers, and one closing line
// with the overall health. Rendered from the same report object `--json` prints, so the two cannot disagree.
import { Chalk } from 'chalk';
import type { DatabaseReport, StatusReport } from '../../status/types.js';
import { formatByteCount, formatLagSeconds } from '../../status/format-values.js';
import { HEALTH_LOOK, type LookColour } from './health-look.js';

export interface RenderStatusOptions {
  readonly color: boolean;
}

type Paint = (colour: LookColour | 'bold', text: string) => string;

function painter(color: boolean): Paint {
  const c = new Chalk({ level: color ? 1 : 0 });
  return (colour, text) => c[colour](text);
}

/** `3 s ago`, `4 min ago`, from the report's own clock so a golden file stays fixed. */
function ago(at: string, now: string): string {
  const seconds = Math.max(0, (Date.parse(now) - Date.parse(at)) / 1000);
  return `${seconds < 1 ? 'just now' : `${formatLagSeconds(Math.round(seconds))} ago`}`;
}

const LABEL_WIDTH = 14;
const line = (label: string, text: string): string => `  ${label.padEnd(LABEL_WIDTH)}${text}`;

function subscriptionLines(db: DatabaseReport, at: string, paint: Paint): string[] {
  const sub = db.subscription;
  if (sub === null) return [];
  if (!sub.exists) return [line('subscription', `${sub.name}  ${paint('red', 'missing')}`)];
  const facts = [
    sub.enabled === true ? 'enabled' : paint('yellow', 'disabled'),
    sub.worker_running === true ? 'worker running' : sub.enabled === true ? paint('red', 'no worker') : 'no worker',
    sub.last_message_at === null ? 'no message yet' : `last message ${ago(sub.last_message_at, at)}`,
  ];
  if (sub.errors !== null && (sub.errors.apply > 0 || sub.errors.sync > 0)) facts.push(paint('yellow', `errors: ${sub.errors.apply} apply, ${sub.errors.sync} sync`));
  const t = sub.tables;
  const states = Object.entries(t.by_state).filter(([name, n]) => n > 0 && name !== 'ready').map(([name, n]) => `${n} ${name}`);
  const total = t.ready + t.syncing;
  const tables = total === 0 ? 'none' : [`${t.ready} of ${total} ready`, ...states].join(', ');
  const out = [line('subscription', `${sub.name}  ${facts.join(', ')}`), line('tables', tables)];
  if (t.unsubscribed.length > 0) out.push(line('', paint('red', `not subscribed: ${t.unsubscribed.join(', ')}`)));
  return out;
}

function slotLines(db: DatabaseReport, paint: Paint): string[] {
  const slot = db.slot;
  if (slot === null) return [];
  if (!slot.exists) return [line('slot', `${slot.name}  ${paint('red', 'missing')}`)];
  const facts = [slot.active === true ? 'active' : paint('yellow', 'inactive')];
  if (slot.wal_status !== null) facts.push(`wal_status ${slot.wal_status === 'lost' ? paint('red', 'lost') : slot.wal_status}`);
  if (slot.retained_bytes !== null) facts.push(`retains ${formatByteCount(slot.retained_bytes)}`);
  if (slot.safe_wal_size !== null) facts.push(`${formatByteCount(slot.safe_wal_size)} before WAL is lost`);
  return [line('slot', `${slot.name}  ${facts.join(', ')}`)];
}

function lagLine(db: DatabaseReport, paint: Paint): string[] {
  const lag = db.lag;
  if (lag === null) return [];
  const bytes = lag.bytes === null ? '' : `${formatByteCount(lag.bytes)} behind`;
  if (lag.caught_up) return [line('lag', `${paint('green', 'caught up')}${bytes === '' || lag.bytes === 0 ? '' : ` (${bytes})`}`)];
  const time = lag.seconds === null ? 'time lag unknown' : `${formatLagSeconds(lag.seconds)}`;
  return [line('lag', [time, bytes].filter((s) => s !== '').join(', '))];
}

function databaseBlock(db: DatabaseReport, at: string, paint: Paint): string[] {
  const look = HEALTH_LOOK[db.health];
  const name = db.target_database === db.key ? db.key : `${db.key} -> ${db.target_database}`;
  const head = `${paint('bold', name)}  ${paint(look.colour, `${look.symbol} ${look.label}`)}`;
  const out = [head];
  if (db.publication !== null) out.push(line('publication', `${db.publication.name}${db.publication.exists ? '' : `  ${paint('red', 'missing')}`}`));
  out.push(...subscriptionLines(db, at, paint), ...slotLines(db, paint), ...lagLine(db, paint));
  const reasonColour: LookColour = db.health === 'broken' ? 'red' : db.health === 'lagging' ? 'yellow' : 'dim';
  for (const r of db.reasons) out.push(`  ${paint(reasonColour, `${look.symbol} ${r}`)}`);
  for (const w of db.warnings) out.push(`  ${paint('yellow', `! ${w}`)}`);
  return out;
}

export function renderStatusText(report: StatusReport, opts: RenderStatusOptions): string {
  const paint = painter(opts.color);
  const when = report.checked_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  const blocks: string[][] = [[`Replication status at ${when}${report.max_lag === null ? '' : ` (max lag ${report.max_lag})`}`]];
  if (report.databases.length === 0) blocks.push(['No databases in the spec.']);
  for (const db of report.databases) blocks.push(databaseBlock(db, report.checked_at, paint));
  if (report.pending_deletes.length > 0) {
    blocks.push([paint('bold', 'Pending deletes'), ...report.pending_deletes.map((p) => `  ${paint(p.exists === false ? 'dim' : 'yellow', `! ${p.message}`)}`)]);
  }
  const look = HEALTH_LOOK[report.health];
  blocks.push([`Overall: ${paint(look.colour, look.label)}${report.exit_code === 0 ? '' : ` (exit ${report.exit_code})`}`]);
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
