import { isMonochangeError } from '../core/errors';

/**
 * Nx prints a plugin error's `stack` under the file it came from. For a user's mistake the clear
 * message is all there is to say, so its stack becomes the message; bugs keep their stack.
 */
export function forNx(error: unknown): unknown {
  if (isMonochangeError(error)) {
    error.stack = error.message;
  }
  return error;
}
