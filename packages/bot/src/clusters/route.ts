// Which cluster an alert or a command is about. Pure.
//   alert: its CLUSTER_LABEL label when that names a configured cluster; without the label, the
//          only cluster when there is exactly one; otherwise no cluster, with the reason.
//   command: the cluster named, else the only one; with several and none named, the list.
export type ClusterChoice = { ok: true; cluster: string } | { ok: false; reason: string };

export type ClusterSettings = { names: readonly string[]; label: string };

export function alertCluster(
  labels: Readonly<Record<string, string>>,
  clusters: ClusterSettings,
): ClusterChoice {
  const value = labels[clusters.label]?.trim();
  if (value) {
    if (clusters.names.includes(value)) return { ok: true, cluster: value };
    return {
      ok: false,
      reason: `its ${clusters.label} label is "${value}", not one of the clusters this app serves (CLUSTERS: ${clusters.names.join(", ")})`,
    };
  }
  const only = clusters.names.length === 1 ? clusters.names[0] : undefined;
  if (only) return { ok: true, cluster: only };
  return {
    ok: false,
    reason: `it has no ${clusters.label} label and this app serves several clusters (${clusters.names.join(", ")}); set the label (Prometheus external_labels, or CLUSTER_LABEL) so the bot knows which cluster's worker to ask`,
  };
}

export function commandCluster(named: string | undefined, names: readonly string[]): ClusterChoice {
  if (named) {
    if (names.includes(named)) return { ok: true, cluster: named };
    return {
      ok: false,
      reason: `There is no cluster \`${named}\`. Clusters: ${names.map((n) => `\`${n}\``).join(", ")}.`,
    };
  }
  const only = names.length === 1 ? names[0] : undefined;
  if (only) return { ok: true, cluster: only };
  return {
    ok: false,
    reason: `Which cluster? This bot serves ${names.length}: ${names.map((n) => `\`${n}\``).join(", ")}. Ask for one, e.g. \`/rdev mem status ${names[0]}\`.`,
  };
}
