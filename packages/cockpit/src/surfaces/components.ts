// Small builders for the basic-catalog components the surfaces use (contract cockpit.v1.Component).
import type { ChildList, Component, DynamicString, DynamicValue } from '@fieldops/contracts/cockpit/v1';

type TextVariant = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'caption' | 'body';

/** A Text component with a literal or bound string. */
export const text = (id: string, value: DynamicString, variant?: TextVariant): Component => ({
  id,
  component: 'Text',
  text: value,
  ...(variant ? { variant } : {}),
});

/** A Column of children. */
export const column = (id: string, children: ChildList): Component => ({ id, component: 'Column', children });

/** A Row of children. */
export const row = (id: string, children: ChildList): Component => ({
  id,
  component: 'Row',
  children,
  align: 'center',
});

/** A List repeated over the array at `path`, one `template` per item. */
export const list = (id: string, template: string, path: string): Component => ({
  id,
  component: 'List',
  children: { componentId: template, path },
});

/** A Card around one child. */
export const card = (id: string, child: string): Component => ({ id, component: 'Card', child });

/** A Button that sends the user action `name` with `context` to the server. */
export const button = (
  id: string,
  label: string,
  name: string,
  context: Record<string, DynamicValue>,
): Component => ({ id, component: 'Button', child: label, action: { event: { name, context } } });

/** A bound value: the data model at `path` (relative inside a List template). */
export const bind = (path: string) => ({ path });
