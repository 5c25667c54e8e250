// The target side of a copy: pg-copy-streams' COPY FROM stream, fed the source's CopyData messages as they came
// (copy-out-stream.ts) and writing them to the target's socket unchanged, instead of wrapping each chunk in a
// CopyData message of its own. The protocol lets the frontend split copy-in data into CopyData messages any way it
// likes, so the source's per-row messages are as good as any; node then neither copies row bytes nor writes a
// header per chunk (one socket write per chunk instead of two).
//
// One thing changes: a chunk may end in the middle of a message's body, so when the stream is destroyed (the source
// failed, a fault, a cancel) the target's socket may be half-way through a message, and the CopyFail that the library
// sends would be read as the rest of that body. Then the session is cut instead: the server rolls back its
// transaction, as it does for a CopyFail, and the copy engine closes every session of a failed copy anyway. At a
// message boundary the library's CopyFail runs as before and the session stays usable.
import type { Writable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import { CopyDataFrames } from './copy-frames.js';

type CopyFromStream = ReturnType<typeof copyStreams.from>;
const CopyFromBase = copyStreams.from('').constructor as new (text: string) => CopyFromStream;

/** The library's internals this stream works with (pg-copy-streams 7: copy-from.js). */
interface CopyFromInternals {
  connection: { readonly stream: { write(chunk: Buffer): boolean; destroy(): void } } | null;
  chunks: unknown[];
  cb_destroy: ((e?: Error | null) => void) | null;
  cb_ReadyForQuery: (() => void) | null;
}

class FramedCopyFromStream extends CopyFromBase {
  /** What has been written to the target's socket so far. */
  private readonly written = new CopyDataFrames();

  /** Called by the library for each chunk it writes to the socket. */
  flushChunk(chunk: Buffer): boolean {
    const self = this as unknown as CopyFromInternals;
    try {
      this.written.feed(chunk);
    } catch (e) {
      this.destroy(e as Error);
      return false;
    }
    return (self.connection as NonNullable<CopyFromInternals['connection']>).stream.write(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const self = this as unknown as CopyFromInternals;
    if (this.written.atBoundary || self.connection === null || self.cb_ReadyForQuery !== null) {
      super._destroy(error, callback);
      return;
    }
    // pg ends this query with "Connection terminated" once the socket is gone; the stream fails with its own cause.
    self.chunks = [];
    self.cb_destroy = () => callback(error);
    self.connection.stream.destroy();
  }
}

/** `copyStreams.from(sql)` for a stream of whole CopyData messages (copyOutStream's output). */
export function framedCopyInStream(sql: string): CopyFromStream & Writable {
  return new FramedCopyFromStream(sql);
}
