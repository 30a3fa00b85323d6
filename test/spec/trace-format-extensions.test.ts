import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { EndStatus } from '../../src/domain/trace-events.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import { parseTraceText } from '../../src/trace/index.js';

// docs/spec/trace-format.md is the upstream text verbatim; what the reader accepts beyond it is
// written in trace-format-extensions.md, and each must be documented in one or the other.
const SPEC = join(import.meta.dirname, '../../docs/spec');
const upstream = readFileSync(join(SPEC, 'trace-format.md'), 'utf8');
const extensions = readFileSync(join(SPEC, 'trace-format-extensions.md'), 'utf8');
const upstreamStatuses = ['completed', 'diverged', 'crashed', 'stopped'];

const trace = (status: string) =>
  [
    '{"type":"run","formatVersion":1,"id":"r"}',
    '{"type":"step","step":0,"loss":1}',
    `{"type":"end","step":0,"status":"${status}"}`,
  ].join('\n');

describe('the trace format extensions', () => {
  it('document every end status the reader accepts, upstream or as an extension', () => {
    for (const status of EndStatus.options) {
      const documented = upstream.includes(`"${status}"`) || extensions.includes(`"status": "${status}"`);
      expect(documented, status).toBe(true);
    }
  });

  it('read an interrupted run, and every upstream status as before', () => {
    const statuses = (text: string) =>
      parseTraceText(text).flatMap((e) => (e.type === 'end' ? [e.status] : []));
    expect(statuses(trace('interrupted'))).toEqual(['interrupted']);
    for (const status of upstreamStatuses) expect(statuses(trace(status))).toEqual([status]);
    expect(() => parseTraceText(trace('paused'))).toThrow(/status/);
  });

  it('are in the JSON Schema the server serves', async () => {
    const app = createApp({ traindx: await openEphemeralTraindx() });
    const schema = await (await app.fetch('http://traindx/schema/trace-v1.json')).text();
    for (const status of [...upstreamStatuses, 'interrupted']) expect(schema).toContain(`"${status}"`);
  });
});
