/**
 * Tests that need an external tool (nix-instantiate, restic, postgres, dnsmasq) run
 * when it is installed (on PATH, or in an sbin directory for daemons) and are skipped visibly otherwise. CI sets
 * HOMELAB_REQUIRE_TOOLS (comma separated) so a missing tool fails there
 * instead of skipping.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const seen = new Map<string, boolean>();

/** How each tool is asked for its version, when not with `--version` (restic 0.14 and go have only `version`). */
const VERSION_ARGS: Record<string, string[]> = { restic: ['version'], go: ['version'] };

/** Where Debian keeps daemons (dnsmasq), off a normal user's PATH. */
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The tool's command: its name when on PATH, else its path in an sbin directory, else undefined. */
export function toolPath(tool: string): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0) return tool;
  return SBIN_DIRS.map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
}

export function hasTool(tool: string, args: string[] = VERSION_ARGS[tool] ?? ['--version']): boolean {
  if (!seen.has(tool)) {
    const cmd = toolPath(tool);
    const ok = cmd !== undefined && spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
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
