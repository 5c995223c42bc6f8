import { createReadStream, rmSync } from 'node:fs';
import { outcomeSchema } from '../../../model/outcome.ts';
import type { Outcome } from '../../../model/outcome.ts';
import { FileSink } from './fileSink.ts';
import { outcomeHeader, outcomeLine, rateIdsOf } from './outcomeRows.ts';

/**
 * Writes outcomes as CSV. The header needs every rate id (one `numerator.<rateId>` column each)
 * before the first row, but rate ids are only known once every outcome has been seen: rows go to a
 * JSON Lines scratch file next to the output, and `close` writes the CSV from it and removes it.
 * Memory holds only the set of rate ids.
 */
export class OutcomeCsvSink {
  private readonly file: string;
  private readonly scratchFile: string;
  private readonly scratch: FileSink;
  private readonly rateIds = new Set<string>();

  constructor(file: string) {
    this.file = file;
    this.scratchFile = `${file}.partial`;
    this.scratch = new FileSink(this.scratchFile);
  }

  async write(outcome: Outcome): Promise<void> {
    for (const r of rateIdsOf(outcome)) this.rateIds.add(r);
    await this.scratch.write(`${JSON.stringify(outcome)}\n`);
  }

  /** Stops writing without finishing the file (after another failure). */
  destroy(): void {
    this.scratch.destroy();
  }

  async close(): Promise<void> {
    await this.scratch.close();
    const rateIds = [...this.rateIds];
    const out = new FileSink(this.file);
    try {
      await out.write(outcomeHeader(rateIds));
      let rest = '';
      for await (const chunk of createReadStream(this.scratchFile, {
        encoding: 'utf8',
      }) as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        let text = '';
        for (const line of lines) {
          if (line !== '') text += outcomeLine(outcomeSchema.parse(JSON.parse(line)), rateIds);
        }
        await out.write(text);
      }
      await out.close();
    } catch (e) {
      out.destroy();
      throw e;
    } finally {
      rmSync(this.scratchFile, { force: true });
    }
  }
}
