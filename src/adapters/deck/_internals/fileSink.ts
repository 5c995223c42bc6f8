import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import { MeasurecheckError } from '../../../model/problem.ts';
import { errorMessage } from './report.ts';

/**
 * A text file written through a stream that respects backpressure: `write` waits for `drain` when
 * the stream's buffer is full, so writing a million rows keeps memory bounded. A write error
 * (a folder that cannot be written, a full disk) rejects the next `write` or `close` with a
 * `MeasurecheckError` naming the file.
 */
export class FileSink {
  readonly file: string;
  private readonly stream: WriteStream;
  private error: unknown;

  constructor(file: string) {
    this.file = file;
    this.stream = createWriteStream(file, { encoding: 'utf8' });
    this.stream.on('error', (e) => {
      this.error ??= e;
    });
  }

  async write(text: string): Promise<void> {
    this.throwIfFailed();
    if (text === '') return;
    if (!this.stream.write(text)) {
      try {
        await once(this.stream, 'drain');
      } catch (e) {
        this.error ??= e;
      }
      this.throwIfFailed();
    }
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    await new Promise<void>((resolve) => {
      this.stream.end(() => {
        resolve();
      });
      this.stream.once('error', () => {
        resolve();
      });
    });
    this.throwIfFailed();
  }

  /** Stops writing without waiting (after another failure). */
  destroy(): void {
    this.stream.destroy();
  }

  private throwIfFailed(): void {
    if (this.error === undefined) return;
    throw new MeasurecheckError([
      {
        code: 'deck/unwritable',
        message: `cannot write ${this.file}: ${errorMessage(this.error)}`,
        file: this.file,
        hint: 'check that the folder exists and can be written, and that the disk is not full',
      },
    ]);
  }
}
