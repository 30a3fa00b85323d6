/** Bad input from the user (file, flag, trace): exit code 2 with one clear line. */
export class UserError extends Error {
  override name = 'UserError';
}
