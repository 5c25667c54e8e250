// Walks a stream of protocol CopyData messages ('d', int32 length, body) fed in arbitrary chunks. The copy passes the
// source's CopyData messages to the target as they came (copy-out-stream.ts, copy-in-stream.ts), and the protocol
// sends exactly one CopyData message per row in copy-out (PostgreSQL docs, "Message Flow", COPY Operations), so
// counting messages counts rows. Used by the row counter (rows, bytes, faults) and by the copy-in stream (whether the
// target's socket is between two messages, so a CopyFail would be read as a message).
const COPY_DATA = 0x64;
const HEADER_BYTES = 5;

export class CopyDataFrames {
  /** Complete CopyData headers seen. */
  messages = 0;
  /** Body bytes seen (the COPY data itself, without the 5-byte headers). */
  bodyBytes = 0;
  /** Body bytes of the current message still to come. */
  private remaining = 0;
  /** Bytes of a header split across chunks (0 at a message boundary or inside a body). */
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;

  /** Whether everything fed so far ends exactly at a message boundary. */
  get atBoundary(): boolean {
    return this.remaining === 0 && this.headerFill === 0;
  }

  /** Throws on a byte that cannot start a CopyData message: the stream is not what this walker is for. */
  feed(chunk: Uint8Array): void {
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, length - i);
        i += n;
        this.remaining -= n;
        this.bodyBytes += n;
        continue;
      }
      if (this.headerFill === 0 && length - i >= HEADER_BYTES) {
        this.startMessage(chunk[i] as number, readLength(chunk, i + 1));
        i += HEADER_BYTES;
        continue;
      }
      this.header[this.headerFill] = chunk[i] as number;
      this.headerFill += 1;
      i += 1;
      if (this.headerFill === HEADER_BYTES) {
        this.headerFill = 0;
        this.startMessage(this.header[0] as number, readLength(this.header, 1));
      }
    }
  }

  private startMessage(code: number, length: number): void {
    if (code !== COPY_DATA || length < 4) {
      throw new Error(`not a CopyData message (type byte 0x${code.toString(16)}, length ${length}) in a COPY data stream`);
    }
    this.messages += 1;
    this.remaining = length - 4;
  }
}

function readLength(b: Uint8Array, at: number): number {
  return (((b[at] as number) << 24) >>> 0) + (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number));
}
