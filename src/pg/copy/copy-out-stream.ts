// The source side of a copy: pg-copy-streams' COPY TO stream with a leaner message parser. PostgreSQL sends one
// CopyData message per row; the library takes each row out of a buffer list as its own Buffer before joining them
// again per socket chunk, which was ~40% of node's CPU in a pgbench copy (bench/clone, PGREPL_BENCH_CPU_PROF: obuf
// take/subarray/FastBuffer ~0.6 s per 2 M rows) on a 2-core machine where the target's COPY FROM needs a whole core.
// Here one pass over each chunk reads only the message headers, and the CopyData messages go on framed, as the
// source sent them: the target takes exactly those messages (copy-in-stream.ts), so no row byte is moved or copied
// in node. (Moving each row's body down inside the chunk, the previous way, cost ~0.8 s of node CPU per 4.6 M rows.)
// Everything else (attaching to the connection, handing an ErrorResponse and what follows CopyDone back to pg,
// rowCount from the command tag) is the library's, inherited.
import type { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';

const COPY_DATA = 0x64;
const ERROR_RESPONSE = 0x45;
const HEADER_BYTES = 5;
/** Messages that may come between CopyData messages (CopyOutResponse first; notices and the like); any other ends copy-out. */
const INTERSPERSED = new Set([0x48, COPY_DATA, 0x53, 0x4e, 0x41]);

/** The library's internals this parser works with (pg-copy-streams 7: copy-to.js). */
interface CopyToInternals {
  readonly _buffer: { readonly size: number; push(b: Buffer): void; take(n: number): Buffer };
  _detach(): void;
  _cleanup(): void;
}

type CopyToStream = ReturnType<typeof copyStreams.to>;
const CopyToBase = copyStreams.to('').constructor as new (text: string) => CopyToStream;

class LeanCopyToStream extends CopyToBase {
  /** Bytes of the current message's body still to come; 0 at a message header. */
  private remaining = 0;
  private code = 0;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  /** Settles when the source's query is over (ReadyForQuery): its command tag, and so rowCount, has been read. */
  readonly ended = new Promise<void>((resolve, reject) => {
    this.settle = { resolve, reject };
  });

  constructor(text: string) {
    super(text);
    this.ended.catch(() => undefined); // the error reaches the caller through the stream
  }

  /** pg, at the source's ReadyForQuery. */
  handleReadyForQuery(): void {
    this.settle?.resolve();
  }

  /** pg, at an ErrorResponse (then nothing more comes to this query). */
  handleError(err: Error): void {
    this.settle?.reject(err);
    // The library's own handler (emits the error on the stream), which its typings do not declare.
    (CopyToBase.prototype as unknown as { handleError(this: unknown, e: Error): void }).handleError.call(this, err);
  }

  /**
   * Called by the library with each chunk read from the connection; returns whether the reader wants more. The
   * CopyData messages (headers included) are pushed as they lie in the chunk, a message's body possibly split across
   * chunks, never its header; other messages (CopyOutResponse, notices, …) are cut out.
   */
  _parse(chunk: Buffer): boolean | undefined {
    const self = this as unknown as CopyToInternals;
    const buf = self._buffer.size > 0 ? Buffer.concat([self._buffer.take(self._buffer.size), chunk]) : chunk;
    const length = buf.length;
    const runs: Buffer[] = [];
    // Start of the CopyData bytes not yet pushed, or -1.
    let run = -1;
    let i = 0;
    let done = false;
    while (i < length && !done) {
      if (this.remaining > 0) {
        if (run < 0 && this.code === COPY_DATA) run = i;
        const n = Math.min(this.remaining, length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0 && this.code !== COPY_DATA && !INTERSPERSED.has(this.code)) done = true;
        continue;
      }
      const code = buf[i] as number;
      if (code === ERROR_RESPONSE) {
        // pg parses the error (and what follows) itself: give it everything from here.
        self._buffer.push(buf.subarray(i));
        self._detach();
        return undefined;
      }
      if (length - i < HEADER_BYTES) break;
      this.code = code;
      this.remaining = buf.readUInt32BE(i + 1) - 4;
      if (code === COPY_DATA) {
        if (run < 0) run = i;
      } else {
        if (run >= 0) runs.push(buf.subarray(run, i));
        run = -1;
        if (this.remaining === 0 && !INTERSPERSED.has(code)) done = true;
      }
      i += HEADER_BYTES;
    }
    if (run >= 0 && i > run) runs.push(buf.subarray(run, i));
    // Unparsed bytes: part of a header, or what follows the end of copy-out (CommandComplete, ReadyForQuery) for pg.
    if (i < length) self._buffer.push(buf.subarray(i));
    let drained = true;
    for (const r of runs) drained = this.push(r);
    if (done) {
      self._detach();
      this.push(null);
      self._cleanup();
    }
    return drained;
  }
}

/** `copyStreams.to(sql)` that yields CopyData messages (framed) instead of bare row bytes, with `ended`. */
export function copyOutStream(sql: string): CopyToStream & Readable & { readonly ended: Promise<void> } {
  return new LeanCopyToStream(sql);
}
