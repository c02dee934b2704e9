import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { GROUP_COLUMNS } from "../sim/metrics/columns.ts";
import { csvRows, formatNumber, sequential, toCsv, type Column } from "../sim/metrics/csv.ts";
import { GroupTable } from "../sim/metrics/summary/group-table.ts";
import { run, shipped } from "./support/fixtures.ts";

/** What cosched wrote with csv-stringify before its own writer: the reference the writer must match byte for byte. */
function reference<T extends object>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return stringify(rows as unknown as Record<string, unknown>[], {
    header: true,
    columns: columns.map((c) => (typeof c === "string" ? c : { key: c.key, header: c.header })),
    cast: { boolean: (v) => (v ? "true" : "false"), number: formatNumber },
  });
}

const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", ",", '"', '""', "a,b", 'say "hi"', "line\nbreak", "cr\rreturn", "crlf\r\n", " lead", "trail ", "=SUM(A1)", "-1", "+1", "@x", "ünïcödé", "日本語", "😀,😀", "\t", "\u2028", "null", "undefined"),
);
const value = fc.oneof(hostile, fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e21, 1e-7, 0.1 + 0.2, 123456.789012345), fc.boolean(), fc.constant(undefined), fc.constant(null));

describe("the CSV writer", () => {
  it("writes exactly what csv-stringify writes, on hostile values (commas, quotes, newlines, unicode, odd numbers)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { maxLength: 30 }), fc.array(hostile, { minLength: 6, maxLength: 6 }), (n, table, headers) => {
        const keys = Array.from({ length: n }, (_, i) => `k${i}`);
        const columns = keys.map((key, i) => (i % 2 === 0 ? key : { key, header: headers[i]! }));
        const rows = table.map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]])));
        expect(toCsv(rows, columns as Column<Record<string, unknown>>[])).toBe(reference(rows, columns as Column<Record<string, unknown>>[]));
      }),
      { numRuns: 2000, seed: 20261204 },
    );
  });

  it("formats a number as String(parseFloat(x.toPrecision(12))), and as it did before its fast paths", () => {
    // The definition, and the first writer's formatter (String(x) when short enough), both kept as references.
    const definition = (x: number): string => (Number.isNaN(x) ? "" : Number.isInteger(x) ? String(x) : String(Number.parseFloat(x.toPrecision(12))));
    const before = (x: number): string => {
      if (Number.isNaN(x)) return "";
      const s = String(x);
      if (s.length <= 12 && !s.includes("e")) return s;
      if (Number.isInteger(x)) return s;
      return String(Number.parseFloat(x.toPrecision(12)));
    };
    const odd = fc.constantFrom(0.1 + 0.2, 1 / 3, -2 / 3, 0.999999999999999, 999999999999.5, 123456789012.3, 99999999999.99999, 1e-6 / 3, 1.5e-7, -1e-7, 1e21 + 0.5, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1 - 2 ** -53, 0.000001, 0.0000012345678901234);
    const scaled = fc.tuple(fc.double({ noNaN: true }), fc.integer({ min: -30, max: 30 })).map(([x, e]) => x * 10 ** e);
    fc.assert(
      fc.property(fc.oneof(fc.double(), scaled, odd, fc.integer().map((i) => i / 1000)), (x) => {
        expect(formatNumber(x)).toBe(definition(x));
        expect(formatNumber(x)).toBe(before(x));
      }),
      { numRuns: 200_000, seed: 20261205 },
    );
  });

  it("writes a header alone for no rows", () => {
    expect(toCsv([], ["a", { key: "b", header: "b,c" }] as Column<Record<string, unknown>>[])).toBe('a,"b,c"\n');
  });
});

describe("groups.csv from its columns", () => {
  // Runs with every kind of group field: holds and deadlocks (mesos), preemptors and classes, lost groups,
  // gangs with Permit timeouts and partial Pods, Kueue admissions, split groups.
  it.each([
    ["deadlock-two-frameworks", "mesos", []],
    ["priority-classes", "kube", []],
    ["node-failures-1k", "kube", ["workload.groups=300", "cluster.count=40"]],
    ["gangs-mixed", "kube-coscheduling", ["workload.groups=60"]],
    ["gangs-mixed", "kube-kueue", ["workload.groups=60"]],
    ["contention-1k", "naive", ["workload.groups=300", "cluster.count=40"]],
  ] as const)("writes %s under %s exactly as csvRows writes its row objects", (scenario, strategy, sets) => {
    const { tables } = run(shipped(scenario, [...sets]), strategy);
    const table = tables.groupTable;
    const rows = tables.groups;
    expect(table.csvLines(GROUP_COLUMNS, 0, table.length)).toBe(csvRows(rows, GROUP_COLUMNS));
    // A chunk, with a sweep's extra fields (already CSV) at the end of each line.
    const extra = ['"a,b"', "3"];
    const to = Math.min(25, table.length);
    const from = Math.min(1, to);
    const withExtra = rows.slice(from, to).map((r) => ({ ...r, __p0: "a,b", __p1: 3 }));
    expect(table.csvLines(GROUP_COLUMNS, from, to, extra)).toBe(csvRows(withExtra, [...GROUP_COLUMNS, "__p0", "__p1"] as Column<(typeof withExtra)[number]>[]));
  });
});

describe("groups.csv chunks stay one-byte strings", () => {
  // V8's serializer tags a string by how it is held: '"' one byte per character, 'c' two bytes.
  const heldAsOneByte = (s: string): boolean => serialize(s)[2] === 0x22;
  /** An ASCII string V8 holds as "thin": made afresh, then used as a property key. */
  const thin = (text: string): string => {
    const s = text.split("").join("");
    const keys: Record<string, number> = {};
    keys[s] = 1;
    return s;
  };

  it("joins a key-used (thin) string into a two-byte string: the V8 behaviour this guards against", () => {
    expect(heldAsOneByte(["x", "kube", "y"].join(","))).toBe(true);
    expect(heldAsOneByte(["x", thin("kube"), "y"].join(","))).toBe(false);
    expect(heldAsOneByte(["x", sequential(thin("kube")), "y"].join(","))).toBe(true);
    expect(sequential(thin("kube"))).toBe("kube");
  });

  it("writes one-byte lines when the run's strategy and scenario were used as keys, and with a sweep's extra fields", () => {
    const table = new GroupTable({ runId: "0123456789ab", scenario: thin("scale-10n-3g"), strategy: thin("mesos"), seed: 1 }, 3);
    table.texts.group_id.fill("g0");
    const lines = table.csvLines(GROUP_COLUMNS, 0, 3, [sequential(thin("0.5"))]);
    expect(lines.split("\n")[0]!.startsWith("0123456789ab,scale-10n-3g,mesos,1,g0,")).toBe(true);
    expect(heldAsOneByte(lines)).toBe(true);
  });
});
