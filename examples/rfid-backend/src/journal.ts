// An append-only JSON-lines journal: one record per line, each append flushed to disk (fdatasync)
// before it resolves. The service's state is whatever replaying the journal gives, so a crash
// loses nothing that was acknowledged. A torn last line (a crash mid-write) is ignored on open.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A durable, append-only log of JSON records. */
export interface Journal<R> {
  /** The records found when the journal was opened, in order. */
  readonly replayed: readonly R[];
  /** Appends records; resolves once they are on disk. */
  append(...records: R[]): Promise<void>;
  /** Bytes appended since open plus the bytes found at open. */
  size(): number;
  close(): Promise<void>;
}

/** Opens (or creates) the journal at `file` and reads back every complete record. */
export async function openJournal<R>(file: string): Promise<Journal<R>> {
  await mkdir(dirname(file), { recursive: true });
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const replayed: R[] = [];
  const lines = text.split('\n');
  // The last element is '' after a complete line; anything else is a torn write, dropped below.
  const complete = lines.slice(0, -1);
  for (const line of complete) if (line) replayed.push(JSON.parse(line) as R);
  const torn = lines.at(-1) ?? '';
  const handle = await open(file, 'a+');
  let bytes = Buffer.byteLength(text);
  if (torn) {
    // Cut the torn tail so the next record starts on its own line.
    bytes -= Buffer.byteLength(torn);
    await handle.truncate(bytes);
  }
  let tail: Promise<void> = Promise.resolve();
  return {
    replayed,
    append(...records) {
      const chunk = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      // One writer at a time: appends land in call order.
      const write = tail.then(async () => {
        await handle.appendFile(chunk);
        await handle.datasync();
        bytes += Buffer.byteLength(chunk);
      });
      tail = write.catch(() => {});
      return write;
    },
    size: () => bytes,
    async close() {
      await tail;
      await handle.close();
    },
  };
}
