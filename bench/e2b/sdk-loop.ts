/**
 * The baseline of the E2B benchmark, in a process of its own: the E2B SDK alone, paced exactly as fleetmod paces
 * sandbox creations (creations spread evenly with the same margin), at the same concurrency — create, run the
 * step's command, kill. No checkout, no git, no journal. Prints one JSON line.
 *
 *   node sdk-loop.js COUNT CONCURRENCY RATE_PER_SECOND   (E2B_API_URL, E2B_SANDBOX_URL, E2B_API_KEY from the env)
 */
import PQueue from 'p-queue';
import { RATE_MARGIN } from '../../src/orchestrator/limiters.js';
import { createE2bClient, e2bConnectionFromEnv } from '../../src/sandbox/e2b/connection.js';

const [countArg, concurrencyArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const rate = Number(rateArg);
const client = createE2bClient(e2bConnectionFromEnv(process.env));
const queue = new PQueue({ concurrency: Number(concurrencyArg), interval: Math.ceil((1000 * RATE_MARGIN) / rate), intervalCap: 1, strict: true });
const started = performance.now();
let done = 0;
let retries = 0;

async function createOne() {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.Sandbox.create('base', { timeoutMs: 300_000, metadata: { bench: 'sdk-loop' } });
    } catch (err) {
      if (attempt >= 8) throw err;
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

await Promise.all(
  Array.from({ length: count }, () =>
    queue.add(async () => {
      const sandbox = await createOne();
      try {
        const result = await sandbox.commands.run("grep -rl fetchData . || true", { timeoutMs: 60_000 });
        if (result.exitCode !== 0) throw new Error(`the command failed: ${result.stderr}`);
      } finally {
        await sandbox.kill();
      }
      done += 1;
    }),
  ),
);
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, done, retries })}\n`);
