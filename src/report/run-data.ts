/** Everything the report needs about one run, read from the journal in one go (the report itself is pure). */
import type { RunRecord, RunStore, StageEvent, StepResultRecord, TaskRecord } from '../store/types.js';

export interface RunData {
  run: RunRecord;
  tasks: TaskRecord[];
  stageEvents: Map<number, StageEvent[]>;
  stepResults: Map<number, StepResultRecord[]>;
  /** When the report was made; "now" for durations of a run still in progress. */
  generatedAt: number;
}

export function loadRunData(store: RunStore, runId: string, now: number = Date.now()): RunData | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  const tasks = store.listTasks(runId);
  const stageEvents = new Map<number, StageEvent[]>();
  const stepResults = new Map<number, StepResultRecord[]>();
  for (const task of tasks) {
    stageEvents.set(task.id, store.listStageEvents(task.id));
    stepResults.set(task.id, store.listStepResults(task.id));
  }
  return { run, tasks, stageEvents, stepResults, generatedAt: now };
}
