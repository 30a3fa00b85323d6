export { wandbImporter } from './wandb-importer.js';
