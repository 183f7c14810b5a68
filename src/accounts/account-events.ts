/**
 * "An account was created": features above accounts (cohort invitations) listen without accounts importing them.
 * Listeners are awaited, so what they do is done when the confirmation page answers.
 */
export type AccountCreated = { userId: string; email: string };
type Listener = (event: AccountCreated) => Promise<unknown>;

const listeners = new Set<Listener>();

/** Registers a listener (registering the same function twice keeps one). */
export function onAccountCreated(listener: Listener): void {
  listeners.add(listener);
}

export async function emitAccountCreated(event: AccountCreated): Promise<void> {
  for (const listener of listeners) await listener(event);
}
