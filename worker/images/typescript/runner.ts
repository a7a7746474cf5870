// Taskmill's TypeScript runner, started by wrapper.sh: `bun runner.ts <job dir>`.
//
// Sets the job's environment variables from the envelope, imports the job's code (written to
// <job dir>/script.ts) as a module, awaits
// `main(...args)` with the arguments in declaration order, and writes exactly one JSON frame
// to fd 3: {"ok": true, "result": ...} or {"ok": false, "error": {name, message, traceback}}.
// JSON has no `undefined`: a null argument is passed as undefined, so optional parameters
// (`x?: T`) and default values (`x = Date.now()`) behave as when the argument is left out.
import { symlinkSync, writeSync } from "node:fs";

const RESULT_FD = 3;

type Frame = { ok: true; result: unknown } | { ok: false; error: JobError };
type JobError = { name: string; message: string; traceback: string | null };

function describe(error: unknown, jobDir: string): JobError {
  // Bun reports code that does not parse as a BuildMessage with a position, not an Error.
  const position = (error as { position?: { line: number; column: number } })?.position;
  if (position) {
    const message = `${(error as Error).message} (script.ts:${position.line}:${position.column})`;
    return { name: "SyntaxError", message, traceback: null };
  }
  if (error instanceof Error) {
    const stack = (error.stack ?? "").split("\n").filter((line) => !line.includes("runner.ts"));
    const traceback = stack.join("\n").replaceAll(`${jobDir}/`, "");
    return { name: error.name, message: error.message, traceback: traceback || null };
  }
  return { name: "Error", message: String(error), traceback: null };
}

function encode(frame: Frame): string {
  try {
    return JSON.stringify(frame);
  } catch (error) {
    const message = `main() returned a value that is not JSON: ${(error as Error).message}`;
    return JSON.stringify({ ok: false, error: { name: "ResultNotJSON", message, traceback: null } });
  }
}

async function runJob(jobDir: string): Promise<Frame> {
  const envelope = await Bun.file(`${jobDir}/envelope.json`).json();
  Object.assign(process.env, envelope.env ?? {});
  // The job's npm packages (a cached, read-only install, see worker/deps): Bun resolves bare
  // imports through the node_modules beside the script.
  if (envelope.deps) symlinkSync(`${envelope.deps}/node_modules`, `${jobDir}/node_modules`);
  const script = `${jobDir}/script.ts`;
  await Bun.write(script, envelope.code);
  try {
    const module = await import(script);
    if (typeof module.main !== "function") {
      const message = "the script exports no main() function";
      return { ok: false, error: { name: "MissingMain", message, traceback: null } };
    }
    const args = (envelope.args as unknown[]).map((value) => (value === null ? undefined : value));
    return { ok: true, result: (await module.main(...args)) ?? null };
  } catch (error) {
    return { ok: false, error: describe(error, jobDir) };
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

const frame = await runJob(process.argv[2]);
writeAll(RESULT_FD, encode(frame) + "\n");
// exit at once: timers or sockets the job left open must not keep the run alive.
process.exit(frame.ok ? 0 : 1);
