/**
 * Pod Security "restricted", patched in once for every workload in the app.
 *
 * cdk8s-plus-27 has no `seccompProfile` prop and no `ALL` capability value, so
 * this resolver, installed on the homelab's cdk8s App, completes every pod spec
 * as it is resolved: `seccompProfile: RuntimeDefault` at pod level, and for every
 * container `capabilities.drop: [ALL]`, `allowPrivilegeEscalation: false` and
 * `runAsNonRoot: true` where they are not set. Values a user set explicitly win.
 */
import { IResolver, ResolutionContext } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';

/**
 * The security context of every container we write, running as `uid` (user and group): non-root,
 * read-only root filesystem, no privilege escalation, not privileged. The resolver below adds
 * `capabilities.drop: [ALL]`; the pod adds seccomp.
 */
export function restrictedContainerSecurity(uid: number): kplus.ContainerSecurityContextProps {
  return { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: uid, group: uid };
}

/** The security context of a pod whose containers run as `uid` and own their volumes (`fsGroup`). */
export function restrictedPodSecurity(uid: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid };
}

const TEMPLATE = ['spec', 'template', 'spec'];
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Deployment: TEMPLATE,
  StatefulSet: TEMPLATE,
  DaemonSet: TEMPLATE,
  ReplicaSet: TEMPLATE,
  Job: TEMPLATE,
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

function isPath(key: readonly string[], path: readonly string[]): boolean {
  if (key.length !== path.length) return false;
  for (let i = key.length - 1; i >= 0; i--) if (key[i] !== path[i]) return false;
  return true;
}

const isPlain = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && (v as object).constructor === Object;

function patchContainer(c: unknown): unknown {
  if (!isPlain(c)) return c;
  const sc = isPlain(c.securityContext) ? c.securityContext : {};
  const caps = isPlain(sc.capabilities) ? sc.capabilities : {};
  const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
  return {
    ...c,
    securityContext: {
      ...sc,
      allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      runAsNonRoot: sc.runAsNonRoot ?? true,
      capabilities: { ...caps, drop: drop.includes('ALL') ? drop : [...drop, 'ALL'] },
    },
  };
}

/** Returns the pod spec with the restricted defaults filled in; idempotent. */
export function restrictPodSpec(spec: Record<string, any>): Record<string, any> {
  const psc = isPlain(spec.securityContext) ? spec.securityContext : {};
  const out: Record<string, any> = {
    ...spec,
    securityContext: { ...psc, runAsNonRoot: psc.runAsNonRoot ?? true, seccompProfile: psc.seccompProfile ?? { type: 'RuntimeDefault' } },
  };
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (Array.isArray(spec[key])) out[key] = spec[key].map(patchContainer);
  }
  return out;
}

function isRestricted(spec: Record<string, any>): boolean {
  if (!isPlain(spec.securityContext) || !spec.securityContext.seccompProfile || spec.securityContext.runAsNonRoot === undefined) return false;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of Array.isArray(spec[key]) ? spec[key] : []) {
      const sc = isPlain(c) && isPlain(c.securityContext) ? c.securityContext : undefined;
      if (!sc || sc.allowPrivilegeEscalation === undefined || sc.runAsNonRoot === undefined) return false;
      if (!isPlain(sc.capabilities) || !Array.isArray(sc.capabilities.drop) || !sc.capabilities.drop.includes('ALL')) return false;
    }
  }
  return true;
}

/** cdk8s resolver that applies {@link restrictPodSpec} to every pod spec in the app. */
export class RestrictedPodSecurityResolver implements IResolver {
  resolve(context: ResolutionContext): void {
    const path = POD_SPEC_PATHS[context.obj.kind];
    if (!path || !isPath(context.key, path) || !isPlain(context.value)) return;
    if (!isRestricted(context.value)) context.replaceValue(restrictPodSpec(context.value));
  }
}
