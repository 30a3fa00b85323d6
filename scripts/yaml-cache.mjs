// Run by `npm run build`: writes dist/yaml-cache.json, the parsed YAML of graph-seed/ (see src/config/yaml-parser.ts).
const { writeYamlCache } = await import('../dist/config/index.js');
await writeYamlCache();
