// One JSON config file in the store's config folder (topics.json, consumerOffset.json, ...), kept the way
// RocketMQ's ConfigManager keeps it: the previous content is copied to "<file>.bak", the new content is
// written to "<file>.tmp" and renamed over the file, so a crash leaves either the old or the new file.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** Config files are small; anything bigger is not ours. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

export class ConfigFile {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(dir: string, name: string) {
    this.file = path.join(dir, name);
  }

  get bakFile(): string {
    return `${this.file}.bak`;
  }

  /**
   * The file's text, decoded by `decode`; falls back to the .bak copy when the file is missing, empty or
   * `decode` throws. Undefined when neither exists. Throws naming both files when both are unusable.
   */
  load<T>(decode: (text: string, file: string) => T): { value: T; file: string } | undefined {
    const errors: string[] = [];
    for (const file of [this.file, this.bakFile]) {
      try {
        const text = readSmallFile(file);
        if (text === undefined || text.trim() === '') continue;
        return { value: decode(text, file), file };
      } catch (err) {
        errors.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`cannot load config: ${errors.join('; ')}`);
    return undefined;
  }

  /** Writes `text` atomically; concurrent calls are queued so the last one wins on disk. */
  persist(text: string): Promise<void> {
    const next = this.writing.then(() => this.writeAtomically(text));
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Same as persist, synchronously (used when the process must not return before the file is on disk). */
  persistSync(text: string): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (fs.existsSync(this.file)) fs.copyFileSync(this.file, this.bakFile);
    fs.renameSync(tmp, this.file);
  }

  private async writeAtomically(text: string): Promise<void> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fsp.copyFile(this.file, this.bakFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await fsp.rename(tmp, this.file);
  }
}

function readSmallFile(file: string): string | undefined {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return undefined;
  }
  if (size > MAX_CONFIG_FILE_BYTES) {
    throw new Error(`${file} is ${size} bytes, more than the ${MAX_CONFIG_FILE_BYTES} bytes a config file may have`);
  }
  return fs.readFileSync(file, 'utf8');
}
