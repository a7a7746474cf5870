// Taskmill's dependency tool for TypeScript jobs: resolve npm packages into a lock, install a lock.
//
// Runs with Bun in a short-lived container from the TypeScript runner image, with the
// dependency volume mounted read-write (or, for the local backend, on the host). It never
// imports job code, and no package's install scripts run (--ignore-scripts).
//
//   bun deps.ts resolve               stdin: a package.json
//                                     stdout: the lock, {"package.json": ..., "bun.lock": ...}
//   bun deps.ts install <root> <key>  stdin: a lock; installs <root>/typescript/<key>/node_modules
//                                     unless it exists; stdout: "installed" or "present"
//
// An install goes into a temporary folder renamed into place once complete; temporary folders
// of crashed installs are removed by the next install. Errors: bun's message on stderr, exit 1.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const STALE_TEMP_MS = 3600_000; // a temporary install folder this old belongs to a dead install

type Lock = { "package.json": string; "bun.lock": string };

function bun(args: string[], cwd: string): void {
  const proc = Bun.spawnSync([process.execPath, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) {
    const output = `${proc.stderr.toString()}${proc.stdout.toString()}`.trim();
    throw new Error(output || `bun ${args[0]} exited with code ${proc.exitCode}`);
  }
}

async function resolve(manifest: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "resolve-"));
  try {
    await Bun.write(join(work, "package.json"), manifest);
    bun(["install", "--lockfile-only", "--ignore-scripts", "--no-progress", "--no-summary"], work);
    const lock: Lock = { "package.json": manifest, "bun.lock": await Bun.file(join(work, "bun.lock")).text() };
    return JSON.stringify(lock, null, 2) + "\n";
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function install(root: string, key: string, lockText: string): Promise<string> {
  const parent = join(root, "typescript");
  const final = join(parent, key);
  if (existsSync(join(final, "node_modules"))) return "present";
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o711); // jobs may open an environment they know, not list them all
  removeStaleTemps(parent);
  const temp = mkdtempSync(join(parent, `.tmp-${key}-`));
  try {
    chmodSync(temp, 0o755);
    const lock: Lock = JSON.parse(lockText);
    await Bun.write(join(temp, "package.json"), lock["package.json"]);
    await Bun.write(join(temp, "bun.lock"), lock["bun.lock"]);
    // copyfile: the package cache is on another filesystem (the tmpfs), so no hard links.
    bun(["install", "--frozen-lockfile", "--production", "--ignore-scripts", "--backend=copyfile",
         "--no-progress", "--no-summary"], temp);
    renameSync(temp, final);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(join(final, "node_modules"))) return "present"; // a concurrent install won
    throw error;
  }
  return "installed";
}

function removeStaleTemps(parent: string): void {
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (name.startsWith(".tmp-") && Date.now() - statSync(path).mtimeMs > STALE_TEMP_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const input = await Bun.stdin.text();
  try {
    if (argv[0] === "resolve") {
      process.stdout.write(await resolve(input));
    } else if (argv[0] === "install" && argv.length === 3) {
      process.stdout.write((await install(argv[1], argv[2], input)) + "\n");
    } else {
      process.stderr.write("usage: bun deps.ts resolve | bun deps.ts install <root> <key>\n");
      return 2;
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}

process.exit(await main(process.argv.slice(2)));
