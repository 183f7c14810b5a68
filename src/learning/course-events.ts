/** Sent once per learner and course, when the course's completion rule is first met. */
export type CourseCompletedEvent = { learnerId: string; courseSlug: string; courseVersion: number; completedAt: Date };

type Listener = (event: CourseCompletedEvent) => Promise<unknown>;
const listeners: Listener[] = [];

/** Registers a listener (the certificates feature issues a certificate). */
export function onCourseCompleted(listener: Listener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/**
 * Runs every listener and waits for them, so that the page the learner sees next already shows the outcome
 * (their certificate). A listener that fails does not undo the completion; it is logged by the caller and the
 * listener is idempotent, so it can run again later.
 */
export async function emitCourseCompleted(event: CourseCompletedEvent): Promise<void> {
  const results = await Promise.allSettled(listeners.map((listener) => listener(event)));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}
