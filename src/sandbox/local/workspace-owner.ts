/**
 * Who holds a sandbox's checkout: the sandbox (its uid owns the files, commands may run) or the host (fleetmod
 * reads the diff, writes files, destroys). Switching is lazy — a series of commands lends the checkout once and
 * the host takes it back once — and serialized: the commands of one sandbox run one at a time, and the host
 * never walks the checkout while sandboxed code is alive.
 */
import { lendTree, reclaimTree, type Owner, type ReclaimReport } from '../shared/reclaim.js';

export class WorkspaceOwner {
  private holder: 'host' | 'sandbox' = 'host';
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly workspace: string,
    /** The sandbox's uid in drop mode; null when sandboxed code already has the host's uid (user namespace). */
    private readonly sandboxOwner: Owner | null,
    private readonly hostOwner: Owner,
    private readonly onReclaim: (report: ReclaimReport) => void,
  ) {}

  /** Runs `work` with the checkout lent to the sandbox. */
  forSandbox<T>(work: () => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      if (this.holder === 'host') {
        if (this.sandboxOwner) await lendTree(this.workspace, this.sandboxOwner);
        this.holder = 'sandbox';
      }
      return work();
    });
  }

  /** Runs `work` with the checkout back in the host's hands and cleaned (see reclaim.ts). */
  forHost<T>(work: () => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      await this.reclaim();
      return work();
    });
  }

  /**
   * Takes the checkout back for the last time (destroy) while `alongside` runs: both start once no command runs,
   * so work that needs only that (removing the sandbox's cgroup and scratch folder) overlaps the walk.
   */
  release(alongside: () => Promise<void>): Promise<void> {
    return this.serialized(async () => {
      const [reclaimed] = await Promise.allSettled([this.reclaim(), alongside()]);
      if (reclaimed.status === 'rejected') throw reclaimed.reason;
    });
  }

  private async reclaim(): Promise<void> {
    if (this.holder === 'host') return;
    const report = await reclaimTree(this.workspace, this.sandboxOwner ? this.hostOwner : null);
    this.holder = 'host';
    this.onReclaim(report);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
