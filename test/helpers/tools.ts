/**
 * Tests that need an external tool (nix-instantiate, restic, postgres) run
 * when it is installed and are skipped visibly otherwise. CI sets
 * HOMELAB_REQUIRE_TOOLS (comma separated) so a missing tool fails there
 * instead of skipping.
 */
import { spawnSync } from 'child_process';

const seen = new Map<string, boolean>();

/** How each tool is asked for its version, when not with `--version` (restic 0.14 and go have only `version`). */
const VERSION_ARGS: Record<string, string[]> = { restic: ['version'], go: ['version'] };

export function hasTool(tool: string, args: string[] = VERSION_ARGS[tool] ?? ['--version']): boolean {
  if (!seen.has(tool)) {
    const ok = spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
    seen.set(tool, ok);
    if (!ok) console.warn(`${tool} not found on PATH: skipping the tests that need it`);
  }
  return seen.get(tool)!;
}

/** `it` when the tool is there; `it.skip` when not; a failing test when CI requires it. */
export function itWith(tool: string): jest.It {
  if (hasTool(tool)) return it;
  const required = (process.env.HOMELAB_REQUIRE_TOOLS ?? '').split(',').map((s) => s.trim());
  if (required.includes(tool)) {
    return ((name: string) => it(name, () => { throw new Error(`${tool} is required here (HOMELAB_REQUIRE_TOOLS) but not installed`); })) as unknown as jest.It;
  }
  return it.skip;
}
