import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { createCluster } from "@rdev/bot/k8s/client.ts";
import { KubeError } from "@rdev/bot/k8s/errors.ts";
import { kubeConfigFromString, loadKubeConfig, validateKubeConfig } from "@rdev/bot/k8s/kubeconfig.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "k8s-kubeconfig-"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

type Spec = {
  current?: string;
  clusters?: { name: string; server: string; insecure?: boolean }[];
  contexts?: { name: string; cluster: string; user: string }[];
  users?: { name: string; token: string }[];
};

function yaml(spec: Spec): string {
  const lines = ["apiVersion: v1", "kind: Config"];
  if (spec.current !== undefined) lines.push(`current-context: ${spec.current}`);
  lines.push("clusters:");
  for (const c of spec.clusters ?? []) {
    lines.push(`- name: ${c.name}`, "  cluster:", `    server: ${c.server}`);
    if (c.insecure) lines.push("    insecure-skip-tls-verify: true");
  }
  lines.push("contexts:");
  for (const c of spec.contexts ?? []) {
    lines.push(`- name: ${c.name}`, "  context:", `    cluster: ${c.cluster}`, `    user: ${c.user}`);
  }
  lines.push("users:");
  for (const u of spec.users ?? []) lines.push(`- name: ${u.name}`, "  user:", `    token: ${u.token}`);
  return `${lines.join("\n")}\n`;
}

const good: Spec = {
  current: "prod",
  clusters: [{ name: "prod", server: "https://10.0.0.1:6443" }],
  contexts: [{ name: "prod", cluster: "prod", user: "bot" }],
  users: [{ name: "bot", token: "t-prod" }],
};

async function file(name: string, spec: Spec | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof spec === "string" ? spec : yaml(spec));
  return path;
}

/** Runs fn expecting a KubeError with code "config"; returns its message. */
function configMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KubeError);
    expect((err as KubeError).code).toBe("config");
    return (err as KubeError).message;
  }
  throw new Error("expected a config KubeError");
}

async function authHeader(kc: KubeConfig): Promise<string | undefined> {
  const ctx = new RequestContext("https://example.invalid/api", HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders().Authorization;
}

describe("loadKubeConfig from KUBECONFIG", () => {
  it("loads one file from env.KUBECONFIG", async () => {
    const path = await file("good.yaml", good);
    const kc = loadKubeConfig({ env: { KUBECONFIG: path } });
    expect(kc.getCurrentCluster()?.server).toBe("https://10.0.0.1:6443");
    expect(await authHeader(kc)).toBe("Bearer t-prod");
  });

  it("kubeconfigPath overrides env.KUBECONFIG", async () => {
    const path = await file("override.yaml", good);
    const kc = loadKubeConfig({ kubeconfigPath: path, env: { KUBECONFIG: join(dir, "nope.yaml") } });
    expect(kc.getCurrentContext()).toBe("prod");
  });

  it("merges a colon-separated list the kubectl way: first definition and current-context win", async () => {
    const first = await file("first.yaml", good);
    const second = await file("second.yaml", {
      current: "staging",
      clusters: [
        { name: "prod", server: "https://evil.example:6443" },
        { name: "staging", server: "https://10.0.0.2:6443" },
      ],
      contexts: [{ name: "staging", cluster: "staging", user: "stage-bot" }],
      users: [{ name: "stage-bot", token: "t-stage" }],
    });
    const kc = loadKubeConfig({ env: { KUBECONFIG: `${first}:${second}` } });
    expect(kc.getCurrentContext()).toBe("prod");
    expect(kc.getCurrentCluster()?.server).toBe("https://10.0.0.1:6443");

    const staging = loadKubeConfig({ env: { KUBECONFIG: `${first}::${second}` }, context: "staging" });
    expect(staging.getCurrentCluster()?.server).toBe("https://10.0.0.2:6443");
    expect(await authHeader(staging)).toBe("Bearer t-stage");
  });

  it("refuses a missing file, naming it", async () => {
    const path = join(dir, "missing.yaml");
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: path } }))).toContain(`"${path}"`);
    const present = await file("present.yaml", good);
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: `${present}:${path}` } }))).toContain(
      "does not exist",
    );
  });

  it("refuses a kubeconfig without a current context", async () => {
    const path = await file("nocontext.yaml", { ...good, current: undefined } as Spec);
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: path } }))).toContain(
      "no current-context",
    );
  });

  it("refuses a current context that is not defined, listing the ones that are", async () => {
    const path = await file("badcontext.yaml", { ...good, current: "typo" });
    const message = configMessage(() => loadKubeConfig({ env: { KUBECONFIG: path } }));
    expect(message).toContain('"typo"');
    expect(message).toContain("contexts: prod");
  });

  it("refuses a context whose cluster or user is not defined", async () => {
    const noCluster = await file("nocluster.yaml", { ...good, clusters: [] });
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: noCluster } }))).toContain(
      'cluster "prod"',
    );
    const noUser = await file("nouser.yaml", { ...good, users: [] });
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: noUser } }))).toContain('user "bot"');
  });

  it("refuses an unknown --context", async () => {
    const path = await file("ctx.yaml", good);
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: path }, context: "dev" }))).toContain(
      '"dev"',
    );
  });

  it("refuses empty and malformed files with the parse error", async () => {
    const empty = await file("empty.yaml", "");
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: empty } }))).toContain("cannot be parsed");
    const broken = await file("broken.yaml", "clusters: [\n  - {{{");
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: broken } }))).toContain(
      "cannot be parsed",
    );
    const noServer = await file("noserver.yaml", "clusters:\n- name: a\n  cluster: {}\n");
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: noServer } }))).toContain(
      "server is missing",
    );
  });

  it("accepts plain http only with insecure-skip-tls-verify (client-node 2 refuses it otherwise)", async () => {
    const insecure = await file("http-ok.yaml", {
      ...good,
      clusters: [{ name: "prod", server: "http://127.0.0.1:1234", insecure: true }],
    });
    expect(loadKubeConfig({ env: { KUBECONFIG: insecure } }).getCurrentCluster()?.server).toBe(
      "http://127.0.0.1:1234",
    );
    const plain = await file("http-bad.yaml", {
      ...good,
      clusters: [{ name: "prod", server: "http://127.0.0.1:1234" }],
    });
    expect(configMessage(() => loadKubeConfig({ env: { KUBECONFIG: plain } }))).toContain(
      "insecure-skip-tls-verify",
    );
  });
});

describe("loadKubeConfig in-cluster", () => {
  it("uses the ServiceAccount token and CA when KUBECONFIG is unset", async () => {
    const sa = join(dir, "sa");
    await mkdir(sa, { recursive: true });
    await writeFile(join(sa, "token"), "sa-token");
    await writeFile(join(sa, "ca.crt"), "not really a CA");
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const kc = loadKubeConfig({ env, serviceAccountDir: sa });
    expect(kc.getCurrentCluster()).toMatchObject({
      server: "https://10.96.0.1:443",
      caFile: join(sa, "ca.crt"),
    });
    const ctx = new RequestContext("https://10.96.0.1/api", HttpMethod.GET);
    // The CA file is garbage, so building the TLS agent may fail; the token is applied first.
    await kc.applySecurityAuthentication(ctx).catch(() => undefined);
    expect(ctx.getHeaders().Authorization).toBe("Bearer sa-token");

    const v6 = loadKubeConfig({ env: { ...env, KUBERNETES_SERVICE_HOST: "fd00::1" }, serviceAccountDir: sa });
    expect(v6.getCurrentCluster()?.server).toBe("https://[fd00::1]:443");
  });

  it("refuses when there is neither KUBECONFIG nor a ServiceAccount, saying what to do", () => {
    const message = configMessage(() => loadKubeConfig({ env: {}, serviceAccountDir: join(dir, "no-sa") }));
    expect(message).toContain("KUBECONFIG is not set");
    expect(message).toContain("KUBERNETES_SERVICE_HOST");
    expect(message).toContain("Set KUBECONFIG");
  });

  it("refuses in-cluster env without a token file", () => {
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    expect(configMessage(() => loadKubeConfig({ env, serviceAccountDir: join(dir, "no-sa") }))).toContain(
      "token",
    );
  });
});

describe("validateKubeConfig", () => {
  it("refuses client-node's silent http://localhost:8080 fallback", () => {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: "cluster", server: "http://localhost:8080", skipTLSVerify: true },
      { name: "user" },
    );
    expect(configMessage(() => validateKubeConfig(kc))).toContain("localhost:8080");
  });

  it("refuses what loadFromDefault really returns when it finds nothing", () => {
    // Only meaningful where no ServiceAccount is mounted (loadFromDefault would use it).
    if (existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")) return;
    vi.stubEnv("KUBECONFIG", "");
    vi.stubEnv("HOME", dir);
    const kc = new KubeConfig();
    kc.loadFromDefault();
    vi.unstubAllEnvs();
    expect(kc.getCurrentCluster()?.server).toBe("http://localhost:8080");
    expect(configMessage(() => createCluster(kc))).toContain("fell back to http://localhost:8080");
  });

  it("refuses a server that is not an http(s) URL", () => {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: "c", server: "unix:///var/run/k8s.sock", skipTLSVerify: false },
      { name: "u" },
    );
    expect(configMessage(() => validateKubeConfig(kc))).toContain("https://");
  });

  it("kubeConfigFromString validates too", () => {
    expect(kubeConfigFromString(yaml(good)).getCurrentContext()).toBe("prod");
    expect(configMessage(() => kubeConfigFromString(yaml({ ...good, current: "x" })))).toContain('"x"');
  });
});
