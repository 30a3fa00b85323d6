export { tensorboardImporter } from './tensorboard-importer.js';
