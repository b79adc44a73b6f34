import type { ReferralEdge } from '../../db/numbers-queries.js';
import type { Stage } from '../../pipeline/stages.js';

/** A laid-out referral tree: nodes with positions and the edges between them. */
export interface TreeNode {
  readonly id: number;
  readonly name: string | null;
  readonly stage: Stage;
  readonly depth: number;
  /** Direct referrals: the doors this contact opened. */
  readonly doors: number;
  /** Everyone reached through this contact, at any depth. */
  readonly reach: number;
  readonly x: number;
  readonly y: number;
  readonly parentId: number | null;
}

export interface TreeLayout {
  readonly nodes: readonly TreeNode[];
  readonly width: number;
  readonly height: number;
  /** People left out to keep the picture readable. */
  readonly omitted: number;
}

const COLUMN_WIDTH = 210;
const ROW_HEIGHT = 30;
const MARGIN = 24;

/**
 * Pure layout, left to right: depth on x, one row per leaf on y, a parent
 * centred on its children. Trees are ordered by how many people they led to;
 * at most `maxNodes` people are drawn. Cycles (bad data) are cut.
 */
export function layoutReferralTree(edges: readonly ReferralEdge[], maxNodes: number): TreeLayout {
  const byId = new Map(edges.map((e) => [e.id, e]));
  const children = new Map<number, ReferralEdge[]>();
  for (const e of edges) {
    if (e.referredById !== null && byId.has(e.referredById)) {
      const list = children.get(e.referredById) ?? [];
      list.push(e);
      children.set(e.referredById, list);
    }
  }
  const reach = new Map<number, number>();
  const countReach = (id: number, seen: Set<number>): number => {
    if (seen.has(id)) return 0;
    seen.add(id);
    let n = 0;
    for (const child of children.get(id) ?? []) n += 1 + countReach(child.id, seen);
    reach.set(id, n);
    return n;
  };
  const roots = edges.filter((e) => e.referredById === null || !byId.has(e.referredById));
  for (const r of roots) countReach(r.id, new Set());
  const order = (list: readonly ReferralEdge[]) =>
    [...list].sort(
      (a, b) =>
        (reach.get(b.id) ?? 0) - (reach.get(a.id) ?? 0) ||
        (a.name ?? '').localeCompare(b.name ?? ''),
    );

  const nodes: TreeNode[] = [];
  const placed = new Set<number>();
  let row = 0;
  let maxDepth = 0;
  const place = (e: ReferralEdge, depth: number, parentId: number | null): number | undefined => {
    if (placed.has(e.id) || nodes.length >= maxNodes) return undefined;
    placed.add(e.id);
    const index = nodes.length;
    nodes.push(undefined as unknown as TreeNode); // reserve: parents come before children
    const childYs: number[] = [];
    for (const child of order(children.get(e.id) ?? [])) {
      const y = place(child, depth + 1, e.id);
      if (y !== undefined) childYs.push(y);
    }
    const y =
      childYs.length > 0
        ? ((childYs[0] as number) + (childYs[childYs.length - 1] as number)) / 2
        : MARGIN + row++ * ROW_HEIGHT + ROW_HEIGHT / 2;
    maxDepth = Math.max(maxDepth, depth);
    nodes[index] = {
      id: e.id,
      name: e.name,
      stage: e.stage,
      depth,
      doors: children.get(e.id)?.length ?? 0,
      reach: reach.get(e.id) ?? 0,
      x: MARGIN + 10 + depth * COLUMN_WIDTH,
      y,
      parentId,
    };
    return y;
  };
  for (const root of order(roots)) place(root, 0, null);
  const drawn = nodes.filter(Boolean);
  return {
    nodes: drawn,
    width: MARGIN * 2 + (maxDepth + 1) * COLUMN_WIDTH,
    height: Math.max(MARGIN * 2 + row * ROW_HEIGHT, 60),
    omitted: edges.length - drawn.length,
  };
}
