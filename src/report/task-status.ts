/**
 * A repo's status as a reader should see it. A task row still says running after its run's process died; nobody
 * works on it now and the next `resume` starts it again, so it reads as pending (README: a crashed run's mid-way
 * repos count as pending, not running). Every view of a repo goes through this, so they cannot disagree.
 */
import type { TaskStatus } from '../domain/outcome.js';

export function visibleTaskStatus(status: TaskStatus, runCrashed: boolean): TaskStatus {
  return status === 'running' && runCrashed ? 'pending' : status;
}
