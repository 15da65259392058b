import * as xeroNode from 'xero-node';

const { ObjectSerializer } = xeroNode;

/**
 * xero-node turns every Accounting API response into its model classes with `ObjectSerializer.deserialize`,
 * which works out each attribute's type from its type name on every call (lower-casing it, searching the
 * primitive list, copying the attribute map into entries). For a page of 1,000 invoices that is most of the
 * client's CPU time: it was the largest single cost of a full sync (DESIGN.md §7).
 *
 * This module replaces that one static method with one that reaches the same result with a reader generated
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

/** Turns one non-null wire value into what xero-node would make of it. */
type Reader = (value: unknown) => unknown;

const ORIGINAL = Symbol.for('ar-copilot.xero-node.deserialize.original');
type Patched = typeof ObjectSerializer & { [ORIGINAL]?: Deserialize };

/** Attribute names that can be written as plain properties of a fresh model instance. */
const SAFE_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Builds the readers from xero-node's own model registry. `models` maps a type name to its export, as
 * xero-node's accounting models module does; a name counts as a model only if the original deserialiser makes
 * an instance of that class for it (so a class xero-node does not register is treated as it treats it).
 *
 * A model's reader is a function generated from the model's attribute map, once per type, the first time a
 * value of that type is read. Generated code keeps every property write monomorphic, which a loop over the
 * attribute map cannot: that is most of the gain. The code is built only from xero-node's static metadata
 * (names checked, strings JSON-quoted), never from response data.
 */
export function createXeroDeserializer(
  models: Readonly<Record<string, unknown>>,
  original: Deserialize,
): Deserialize {
  const readers = new Map<string, Reader>();

  const modelFor = (type: string): ModelClass | null => {
    const candidate = models[type] as ModelClass | undefined;
    if (
      typeof candidate === 'function' &&
      typeof candidate.getAttributeTypeMap === 'function' &&
      candidate.discriminator == null &&
      original({}, type) instanceof candidate
    ) {
      return candidate;
    }
    return null;
  };

  const compileModel = (model: ModelClass): Reader | null => {
    const attributes = model.getAttributeTypeMap();
    if (attributes.some((a) => !SAFE_NAME.test(a.name) || a.name === '__proto__')) return null;
    const fieldReaders: Reader[] = [];
    const lines = ['const o = new M();', 'let v;'];
    for (const a of attributes) {
      const reader = readerFor(a.type);
      const from = `v = s[${JSON.stringify(a.baseName)}];`;
      if (reader === AS_IS) {
        lines.push(from, `o.${a.name} = v;`);
      } else {
        lines.push(from, `o.${a.name} = v == null ? v : r[${fieldReaders.length}](v);`);
        fieldReaders.push(reader);
      }
    }
    lines.push('return o;');
    try {
      const factory = new Function('M', 'r', `return function read(s) {\n${lines.join('\n')}\n};`);
      return factory(model, fieldReaders) as Reader;
    } catch {
      // Code generation refused (--disallow-code-generation-from-strings): xero-node's own method still works.
      return null;
    }
  };

  const readerFor = (type: string): Reader => {
    const known = readers.get(type);
    if (known) return known;
    let reader: Reader;
    if (PRIMITIVES.has(type.toLowerCase())) {
      // xero-node turns any value typed `string` that starts with /Date( into a Date (reference/xero-api.md).
      reader =
        type === 'string'
          ? (v) =>
              (typeof v === 'string' ? v.startsWith('/Date(') : String(v).startsWith('/Date('))
                ? original(v, 'string')
                : v
          : AS_IS;
    } else if (type.startsWith('Array<')) {
      const elementType = type.slice('Array<'.length, -1);
      let element: Reader | null = null;
      reader = (v) => {
        if (!Array.isArray(v)) return original(v, type);
        element ??= readerFor(elementType);
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          out[i] = item == null ? item : element(item);
        }
        return out;
      };
    } else if (type === 'Date') {
      reader = (v) => original(v, 'Date');
    } else {
      const model = modelFor(type);
      if (model) {
        // Compiled on first use, so that types which contain themselves resolve.
        let compiled: Reader | null = null;
        reader = (v) => {
          compiled ??= compileModel(model) ?? ((x) => original(x, type));
          return compiled(v);
        };
      } else if (typeof models[type] === 'function') {
        // A class xero-node does not register as it does the others: let it decide.
        reader = (v) => original(v, type);
      } else {
        // Enums, and names xero-node does not know, come back as they are.
        reader = AS_IS;
      }
    }
    readers.set(type, reader);
    return reader;
  };

  return (data, type) => (data == null ? data : readerFor(type)(data));
}

const AS_IS: Reader = (v) => v;

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
