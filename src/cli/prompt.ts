/**
 * Confirmation on a terminal. Off a terminal there is nobody to ask: callers need --yes.
 */

/** True when both stdin and stdout are terminals. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/**
 * Asks the user to type `expected`; false when they type something else, cancel, or are not on a terminal.
 *
 * @example
 * if (!(await confirmTyped('Type base to confirm', 'base'))) throw ...
 */
export async function confirmTyped(message: string, expected: string): Promise<boolean> {
  if (!interactive()) return false;
  const { text, isCancel } = await import('@clack/prompts');
  const answer = await text({ message, placeholder: expected });
  return !isCancel(answer) && String(answer).trim() === expected;
}
