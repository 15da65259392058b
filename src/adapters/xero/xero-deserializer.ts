import * as xeroNode from 'xero-node';

const { ObjectSerializer } = xeroNode;

/**
 * xero-node turns every Accounting API response into its model classes with `ObjectSerializer.deserialize`,
 * which works out each attribute's type from its type name on every call (lower-casing it, searching the
 * primitive list, copying the attribute map into entries). For a page of 1,000 invoices that is most of the
 * client's CPU time: it was the largest single cost of a full sync (DESIGN.md §7).
 *
 * This module replaces that one static method with one that reaches the same result from a plan worked out
 * once per model type. Everything else in xero-node (requests, auth, errors, serialising request bodies) is
 * untouched. Where a type falls outside what the plan understands (a discriminator, an array that is not
 * an array), the original method decides, so the output is the original's in every case:
 * `xero-deserializer.test.ts` compares the two on every model type and on the sandbox's responses.
 */

type Deserialize = (data: unknown, type: string) => unknown;
type ModelClass = (new () => Record<string, unknown>) & {
  getAttributeTypeMap(): ReadonlyArray<{ name: string; baseName: string; type: string }>;
  discriminator?: string;
};

const PRIMITIVES = new Set(['string', 'boolean', 'double', 'integer', 'long', 'float', 'number', 'any']);

/** What to do with one value, decided from its declared type name alone. */
type Reader =
  | { kind: 'string' }
  | { kind: 'as-is' }
  | { kind: 'date' }
  | { kind: 'array'; element: Reader; elementType: string }
  | { kind: 'model'; plan: ModelPlan }
  | { kind: 'original'; type: string };

interface ModelPlan {
  readonly model: ModelClass;
  /** Filled after creation, so that self-referencing types (a contact's contacts) resolve. */
  attributes: Array<{ name: string; baseName: string; reader: Reader }>;
}

const ORIGINAL = Symbol.for('ar-copilot.xero-node.deserialize.original');
type Patched = typeof ObjectSerializer & { [ORIGINAL]?: Deserialize };

/**
 * Builds the plans from xero-node's own model registry. `models` maps a type name to its export, as xero-node's
 * accounting models module does; a name counts as a model only if the original deserialiser makes an instance
 * of that class for it (so a class xero-node does not register is treated as it treats it).
 */
export function createXeroDeserializer(
  models: Readonly<Record<string, unknown>>,
  original: Deserialize,
): Deserialize {
  const plans = new Map<string, ModelPlan | null>();
  const readers = new Map<string, Reader>();

  const planFor = (type: string): ModelPlan | null => {
    if (plans.has(type)) return plans.get(type) ?? null;
    const candidate = models[type] as ModelClass | undefined;
    let plan: ModelPlan | null = null;
    if (
      typeof candidate === 'function' &&
      typeof candidate.getAttributeTypeMap === 'function' &&
      candidate.discriminator == null &&
      original({}, type) instanceof candidate
    ) {
      plan = { model: candidate, attributes: [] };
      plans.set(type, plan);
      plan.attributes = candidate
        .getAttributeTypeMap()
        .map((a) => ({ name: a.name, baseName: a.baseName, reader: readerFor(a.type) }));
      return plan;
    }
    plans.set(type, null);
    return null;
  };

  const readerFor = (type: string): Reader => {
    const known = readers.get(type);
    if (known) return known;
    let reader: Reader;
    if (PRIMITIVES.has(type.toLowerCase())) {
      reader = type === 'string' ? { kind: 'string' } : { kind: 'as-is' };
    } else if (type.startsWith('Array<')) {
      const elementType = type.slice('Array<'.length, -1);
      reader = { kind: 'array', element: readerFor(elementType), elementType };
    } else if (type === 'Date') {
      reader = { kind: 'date' };
    } else {
      const candidate = models[type] as ModelClass | undefined;
      if (candidate && typeof candidate.getAttributeTypeMap === 'function') {
        // Registered before the plan is filled in, for types that contain themselves.
        const placeholder: Reader = { kind: 'original', type };
        readers.set(type, placeholder);
        const plan = planFor(type);
        reader = plan ? { kind: 'model', plan } : placeholder;
      } else {
        // Enums, and names xero-node does not know, come back as they are.
        reader = { kind: 'as-is' };
      }
    }
    readers.set(type, reader);
    return reader;
  };

  const read = (reader: Reader, data: unknown): unknown => {
    if (data === undefined || data === null) return data;
    switch (reader.kind) {
      case 'as-is':
        return data;
      case 'string':
        return String(data).startsWith('/Date(') ? original(data, 'string') : data;
      case 'date':
        return original(data, 'Date');
      case 'array': {
        if (!Array.isArray(data)) return original(data, `Array<${reader.elementType}>`);
        const out = new Array(data.length);
        for (let i = 0; i < data.length; i++) out[i] = read(reader.element, data[i]);
        return out;
      }
      case 'model': {
        const instance = new reader.plan.model();
        const source = data as Record<string, unknown>;
        for (const a of reader.plan.attributes) {
          const value = source[a.baseName];
          instance[a.name] = value === undefined || value === null ? value : read(a.reader, value);
        }
        return instance;
      }
      case 'original':
        return original(data, reader.type);
    }
  };

  return (data, type) => read(readerFor(type), data);
}

/**
 * Installs the planned deserialiser in place of xero-node's (once per process; later calls do nothing).
 * xero-node's API classes look the method up on every response, so the replacement takes effect at once.
 */
export function installFastXeroDeserializer(): void {
  const target = ObjectSerializer as Patched;
  if (target[ORIGINAL]) return;
  const original = ObjectSerializer.deserialize.bind(ObjectSerializer) as Deserialize;
  const fast = createXeroDeserializer(xeroNode as unknown as Record<string, unknown>, original);
  target[ORIGINAL] = original;
  (ObjectSerializer as unknown as { deserialize: Deserialize }).deserialize = fast;
}

/** Puts xero-node's own method back (the equivalence test compares against it). */
export function uninstallFastXeroDeserializer(): void {
  const target = ObjectSerializer as Patched;
  const original = target[ORIGINAL];
  if (!original) return;
  (ObjectSerializer as unknown as { deserialize: Deserialize }).deserialize = original;
  delete target[ORIGINAL];
}
