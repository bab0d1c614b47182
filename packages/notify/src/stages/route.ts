import type { RouteNode } from '../config.js';
import { matchAll } from '../matchers/index.js';
import type { Labels } from '../types.js';
import type { Ingested } from './ingest.js';
import { NO_CHANGES, type Stage, type StageResult } from './stage.js';

/** What routing hands to grouping: the record and every route it goes to. */
export interface Routed extends Ingested {
  readonly routes: readonly RouteNode[];
}

/** The route stage: the routes an alert goes to (the tree is configuration; nothing changes). */
export class RouteStage implements Stage<Ingested, Routed> {
  readonly name = 'route' as const;

  constructor(private readonly tree: RouteTree) {}

  run(input: Ingested): StageResult<Routed> {
    return {
      changes: NO_CHANGES,
      next: { record: input.record, isNew: input.isNew, routes: this.tree.match(input.record.labels) },
    };
  }
}

/**
 * The routing tree. The root matches everything; a node's children are tried in order and the first
 * match wins unless it sets `continue`; when no child matches, the node itself is the match.
 */
export class RouteTree {
  constructor(readonly root: RouteNode) {}

  /** Every route an alert with these labels goes to (at least one: the root). */
  match(labels: Labels): RouteNode[] {
    const out: RouteNode[] = [];
    this.visit(this.root, labels, out);
    return out;
  }

  private visit(node: RouteNode, labels: Labels, out: RouteNode[]): boolean {
    if (!matchAll(node.matchers, labels)) return false;
    let matchedChild = false;
    for (const child of node.children) {
      if (this.visit(child, labels, out)) {
        matchedChild = true;
        if (!child.continue) break;
      }
    }
    if (!matchedChild) out.push(node);
    return true;
  }
}
