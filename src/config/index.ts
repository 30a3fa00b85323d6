export { CONFIG_ENV, Config, ConfigError, loadConfig, requireNeo4j, requireRedis } from './load-config.js';
export { packageRoot, schemaPath, seedDir } from './package-paths.js';
export { createYamlParser, writeYamlCache, type YamlParser } from './yaml-parser.js';
