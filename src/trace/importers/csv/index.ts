export { csvImporter } from './csv-importer.js';
