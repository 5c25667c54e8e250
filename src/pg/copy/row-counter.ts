// Counts rows and bytes of a COPY stream as it passes, without buffering it: live progress, and the point where a
// `mid-copy:<rows>` fault fires. The stream is the source's CopyData messages (copy-out-stream.ts), one per row, so
// the count is exact at every chunk for the price of reading the message headers; the server's command tag stays the
// authority for the final row count. Binary COPY puts its file header into the first row's message and its trailer
// into a message of its own, so a binary stream's complete rows are its messages less one (an undercount by one
// until the trailer: a fault at N rows fires once N rows surely passed).
import { Transform, type TransformCallback } from 'node:stream';
import { CopyDataFrames } from './copy-frames.js';
import type { CopyFormat } from './types.js';

export interface RowCounterOptions {
  readonly format: CopyFormat;
  /** Called with the running totals after each chunk. */
  readonly onChunk?: (rows: number, bytes: number) => void;
  /** Fail the stream with this error factory once `rows` complete rows passed. */
  readonly fault?: { readonly rows: number; readonly error: () => Error };
}

/** A pass-through stream that counts; it holds no data beyond the chunk in hand (backpressure is unchanged). */
export class RowCounterStream extends Transform {
  private readonly frames = new CopyDataFrames();
  private readonly opts: RowCounterOptions;

  constructor(opts: RowCounterOptions) {
    super();
    this.opts = opts;
  }

  /** COPY data bytes passed (the messages' bodies). */
  get bytes(): number {
    return this.frames.bodyBytes;
  }

  /** Complete rows passed (text: one message each; binary: see above). */
  get rows(): number {
    const messages = this.frames.messages;
    return this.opts.format === 'binary' ? Math.max(0, messages - 1) : messages;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.frames.feed(chunk);
    } catch (e) {
      callback(e as Error);
      return;
    }
    this.opts.onChunk?.(this.rows, this.bytes);
    const fault = this.opts.fault;
    if (fault !== undefined && this.rows >= fault.rows) {
      callback(fault.error());
      return;
    }
    callback(null, chunk);
  }
}
