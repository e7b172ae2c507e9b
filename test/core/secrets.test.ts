/**
 * `core/secrets.ts`: the one place that says how each target refers to a secret.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  SECRET_ENV_PREFIX, SECRET_PLACEHOLDER_MARK, SECRET_VALUE_KEY, secretEnvVar, secretKeyRef, secretPlaceholder, secretVariableName, sopsSecretPath,
} from '../../lib/core/secrets';

const LIB = path.join(__dirname, '..', '..', 'lib');

describe('the references to a secret, per target', () => {
  test.each([
    ['wifi-psk', 'HOMELAB_SECRET_WIFI_PSK', '@@HOMELAB_SECRET:wifi-psk@@', '/run/secrets/wifi-psk', 'wifi_psk'],
    ['wg-gw-key', 'HOMELAB_SECRET_WG_GW_KEY', '@@HOMELAB_SECRET:wg-gw-key@@', '/run/secrets/wg-gw-key', 'wg_gw_key'],
    ['k3s_token', 'HOMELAB_SECRET_K3S_TOKEN', '@@HOMELAB_SECRET:k3s_token@@', '/run/secrets/k3s_token', 'k3s_token'],
  ])('%s: env var %s, placeholder %s, sops path %s, Terraform variable %s', (name, env, placeholder, sops, variable) => {
    expect(secretEnvVar(name)).toBe(env);
    expect(secretPlaceholder(name)).toBe(placeholder);
    expect(sopsSecretPath(name)).toBe(sops);
    expect(secretVariableName(name)).toBe(variable);
    expect(secretKeyRef(name)).toEqual({ name, key: 'value' });
  });

  test('password hashes live where sops-nix puts them before users exist', () => {
    expect(sopsSecretPath('admin-password', true)).toBe('/run/secrets-for-users/admin-password');
  });

  test('the prefixes are those of the names', () => {
    expect(secretEnvVar('x').startsWith(SECRET_ENV_PREFIX)).toBe(true);
    expect(secretPlaceholder('x').startsWith(SECRET_PLACEHOLDER_MARK)).toBe(true);
    expect(SECRET_VALUE_KEY).toBe('value');
  });
});

/** Every string, template piece and regular expression in the code of `lib/` (comments left out), with its file. */
function libLiterals(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'imports' && e.name !== '.gen') walk(p);
        continue;
      }
      if (!e.name.endsWith('.ts')) continue;
      const sf = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (n: ts.Node) => {
        if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
          out.push({ file: path.relative(LIB, p), text: n.text });
        } else if (ts.isRegularExpressionLiteral(n)) {
          out.push({ file: path.relative(LIB, p), text: n.text });
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  };
  walk(LIB);
  return out;
}

describe('one place for each reference', () => {
  test('fails when lib/ spells out a secret reference anywhere but core/secrets.ts', () => {
    // GIVEN every literal in the code of lib/
    const literals = libLiterals();
    // WHEN those that spell a reference's convention are picked
    const spelled = literals.filter((l) => /HOMELAB_SECRET|\/run\/secrets/.test(l.text)).map((l) => `${l.file}: ${JSON.stringify(l.text)}`);
    // THEN all of them are in core/secrets.ts (everyone else calls its functions)
    expect(spelled.filter((s) => !s.startsWith(`core${path.sep}secrets.ts:`))).toEqual([]);
    expect(spelled.length).toBeGreaterThan(0);
  });
});
