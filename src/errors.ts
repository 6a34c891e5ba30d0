/** Errors the user can fix: bad flags, unreadable or malformed input, unresolvable credentials. */
export class InputError extends Error {
  override name = "InputError";
}
