export { exitCodeOf } from './report-error.js';
export {
  AuthError,
  ConflictError,
  type ErrorCategory,
  InputError,
  LimitError,
  StoreUnavailableError,
  TraindxError,
} from './traindx-error.js';
