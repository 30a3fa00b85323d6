import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The first `bytes` bytes of a file (empty when it cannot be read), for an
 * importer's `match` to look at a file beside the one probed.
 *
 * @example isEventFileHead(readHead(join(dir, name)))
 */
export function readHead(file: string, bytes = 4096): Buffer {
  const head = Buffer.alloc(bytes);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
