import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { GROUP_COLUMNS } from "../sim/metrics/columns.ts";
import { csvField, csvRows, formatNumber, toCsv, type Column } from "../sim/metrics/csv.ts";
import { CsvBytes, fieldBytes } from "../sim/metrics/csv-bytes.ts";
import { GroupTable } from "../sim/metrics/summary/group-table.ts";
import { warmGroupsWriter } from "../sim/output/warm.ts";
import { groupLines, run, shipped } from "./support/fixtures.ts";

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
  ] as const)("writes %s under %s as the bytes of what csvRows writes for its row objects", (scenario, strategy, sets) => {
    const { tables } = run(shipped(scenario, [...sets]), strategy);
    const table = tables.groupTable;
    const rows = tables.groups;
    expect(groupLines(table)).toBe(csvRows(rows, GROUP_COLUMNS));
    // A chunk, with a sweep's extra fields at the end of each line.
    const to = Math.min(25, table.length);
    const from = Math.min(1, to);
    const withExtra = rows.slice(from, to).map((r) => ({ ...r, __p0: "a,b", __p1: 3 }));
    expect(groupLines(table, from, to, [fieldBytes("a,b"), fieldBytes(3)])).toBe(csvRows(withExtra, [...GROUP_COLUMNS, "__p0", "__p1"] as Column<(typeof withExtra)[number]>[]));
  });

  it("writes the same bytes after the writer is warmed on a made-up table (warmGroupsWriter keeps nothing)", () => {
    const { tables } = run(shipped("contention-1k", ["workload.groups=300", "cluster.count=40"]), "naive");
    const before = groupLines(tables.groupTable);
    warmGroupsWriter();
    expect(groupLines(tables.groupTable)).toBe(before);
    expect(before).toBe(csvRows(tables.groups, GROUP_COLUMNS));
  });

  it("writes hostile group fields (commas, quotes, newlines, unicode, odd numbers, node names) as csvRows writes them", () => {
    const numbers = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, -0, 2 ** 31, -(2 ** 31), 1e21, 1e-7, 0.1 + 0.2, 99999999999.99999, 1e11 - 0.5));
    // Node names (plain, or needing quotes), and each group's nodes among them: none, one, or several.
    const names = fc.array(fc.oneof(hostile, fc.constantFrom("node-0001", "n", "")), { minLength: 1, maxLength: 6 });
    const nodeList = fc.array(fc.nat(), { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, nodeList, numbers, numbers, fc.boolean()), { minLength: 1, maxLength: 8 }), hostile, names, (groups, scenario, nodeNames) => {
        const table = new GroupTable({ runId: "0123456789ab", scenario, strategy: "kube", seed: 7 }, groups.length, (node) => nodeNames[node]!);
        groups.forEach(([id, nodes, latency, cpu, correct], g) => {
          const listed = nodes.map((n) => n % nodeNames.length);
          table.texts.group_id[g] = id;
          table.nodes.set(g, listed);
          table.numbers.latency[g] = latency;
          table.numbers.cpu[g] = cpu;
          table.flags.correct[g] = correct ? 1 : 0;
          expect(table.row(g).nodes).toBe(listed.map((n) => nodeNames[n]).join(";"));
        });
        expect(groupLines(table)).toBe(csvRows(table.rows(), GROUP_COLUMNS));
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });
});

describe("CSV fields as bytes (CsvBytes)", () => {
  const bytesOf = (write: (out: CsvBytes) => void): string => {
    const out = new CsvBytes();
    write(out);
    return Buffer.from(out.view()).toString("utf8");
  };

  it("writes a string or number field, and fieldBytes any value, as the UTF-8 of csvField's text, on hostile values", () => {
    fc.assert(
      fc.property(value, (v) => {
        if (typeof v === "string") expect(bytesOf((out) => out.string(v))).toBe(csvField(v));
        if (typeof v === "number") expect(bytesOf((out) => out.number(v))).toBe(csvField(v));
        expect(Buffer.from(fieldBytes(v)).toString("utf8")).toBe(csvField(v));
      }),
      { numRuns: 5000, seed: 20261206 },
    );
  });

  it("writes a number as formatNumber does: whole numbers digit by digit, fractions from their 12 significant digits, and the rest through formatNumber", () => {
    // Near-ties of the 12th digit, values just under powers of ten, and the edges of the digit-by-digit ranges.
    const nearTie = fc.tuple(fc.integer({ min: 1e11, max: 1e12 - 1 }), fc.integer({ min: 0, max: 17 }), fc.constantFrom(0.5, 0.4999, 0.5001, 0.499, 0.501)).map(([n, k, f]) => (n + f) / 10 ** k);
    const underPower = fc.tuple(fc.integer({ min: -8, max: 12 }), fc.integer({ min: 0, max: 8 })).map(([e, k]) => 10 ** e * (1 - k * 2 ** -52));
    const scaled = fc.tuple(fc.double({ noNaN: true }), fc.integer({ min: -30, max: 30 })).map(([x, e]) => x * 10 ** e);
    const edges = fc.constantFrom(0, -0, 9, 10, 2 ** 31 - 1, 2 ** 31, -1, 1e-6, 1e-6 / 3, 9.999999999995e-7, 1e11, 1e11 - 0.5, 99999999999.99999, 123.00000000005, 0.5, -0.5, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN);
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), scaled, nearTie, underPower, edges, fc.integer().map((i) => i / 1000)), (x) => {
        expect(bytesOf((out) => out.number(x))).toBe(formatNumber(x));
      }),
      { numRuns: 100_000, seed: 20261206 },
    );
  });

  it("keeps what it holds when it grows, and starts again empty after a reset", () => {
    const out = new CsvBytes();
    const long = "ü,".repeat(50_000);
    out.text("a");
    out.comma();
    out.string(long);
    expect(Buffer.from(out.view()).toString("utf8")).toBe(`a,${csvField(long)}`);
    out.reset();
    out.number(12);
    out.newline();
    expect(Buffer.from(out.view()).toString("utf8")).toBe("12\n");
  });
});
