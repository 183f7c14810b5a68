import mongoose from 'mongoose';

/** One command the driver sent, as its command monitoring reports it. */
export type SentCommand = { name: string; collection: string | null; database: string };

/**
 * The database commands sent while `action` runs (by anything in this process), read from the driver's command
 * monitoring, which startTestApp turns on. Tests assert on these rather than spying on model methods, so a lookup
 * that changes method (findOne → exists → aggregate → the raw collection) is still seen.
 */
export async function commandsDuring(action: () => Promise<unknown>): Promise<SentCommand[]> {
  const client = mongoose.connection.getClient();
  const sent: SentCommand[] = [];
  const listener = (event: { commandName: string; databaseName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    const collection = typeof target === 'string' ? target : typeof event.command.collection === 'string' ? event.command.collection : null;
    sent.push({ name: event.commandName, collection, database: event.databaseName });
  };
  client.on('commandStarted', listener);
  try {
    await action();
  } finally {
    client.off('commandStarted', listener);
  }
  return sent;
}
