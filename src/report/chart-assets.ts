import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ChartAssets {
  js: string;
  css: string;
}

let cached: ChartAssets | undefined;

/**
 * uPlot's minified script and stylesheet, read once from the installed
 * package and inlined into every HTML report (a report must open offline).
 * The banner's project URL is replaced by the MIT notice, which the licence
 * asks to keep with every copy, so the report names no external URL at all.
 */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const dir = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const version = (JSON.parse(read('package.json')) as { version: string }).version;
  const js = read('dist/uPlot.iife.min.js').replace(/^\/\*![^*]*\*\/\s*/, '');
  const licence = read('LICENSE').replaceAll('*/', '* /').trim();
  if (/<\/script|<!--/i.test(js))
    throw new Error('uPlot script cannot be inlined: it contains </script or <!--');
  cached = {
    js: `/*! uPlot ${version} (github.com/leeoniya/uPlot)\n${licence}\n*/\n${js}`,
    css: read('dist/uPlot.min.css'),
  };
  return cached;
}
