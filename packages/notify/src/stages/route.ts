import type { RouteNode } from '../config.js';
import { matchAll } from '../matchers/index.js';
import type { Labels } from '../types.js';

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
