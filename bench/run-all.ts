// npm run bench: every benchmark, one after the other.
await import('./detect.js');
await import('./api.js');
