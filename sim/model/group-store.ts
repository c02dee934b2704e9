import { effectiveRequest, GROUP_KINDS, type Group, type GroupKind, type Member, type Selector } from "./group.ts";
import type { Resources } from "./resources.ts";

/**
 * The workload's groups in columns: a typed array per field, one entry per
 * group or per member, so a workload of 300,000 groups holds a few tens of
 * bytes per group instead of an object graph (a group, its members array,
 * a member and a request object per container). Fields most groups lack
 * (framework, scheduler, class, minMember, restart, selector, Pod layout)
 * get a column only when some group has them.
 *
 * Strategies see `Group` objects: `StoredGroup` reads its fields from here and
 * builds its `members` when first asked, until the group has run.
 */
export class GroupStore {
  readonly ids: string[] = [];
  private submits = new Float64Array(1024);
  private durations = new Float64Array(1024);
  private priorities = new Float64Array(1024);
  private kinds = new Uint8Array(1024);
  /** Where each group's members begin; entry `count` is one past the last member. */
  private firsts = new Uint32Array(1025);
  private frameworks?: Float64Array<ArrayBuffer>;
  private schedulers?: Float64Array<ArrayBuffer>;
  private classes?: Float64Array<ArrayBuffer>;
  private minMembers?: Float64Array<ArrayBuffer>;
  private restarts?: Uint8Array;
  private selectors?: (Selector | undefined)[];
  private podLayouts?: (Uint32Array | undefined)[];
  private cpus = new Float64Array(4096);
  private memories = new Float64Array(4096);
  private gpus = new Float64Array(4096);
  private delays = new Float64Array(4096);
  private inits = new Uint8Array(4096);
  private readonly names: string[] = [];
  count = 0;
  private memberTotal = 0;

  /** Appends a group (its `index` must be the next position); returns its index. */
  push(g: Group): number {
    const i = this.count;
    if (g.index !== i) throw new Error(`group store: group ${g.id} has index ${g.index}, expected ${i}`);
    if (i === this.submits.length) this.growGroups();
    this.ids.push(g.id);
    this.submits[i] = g.submit;
    this.durations[i] = g.duration;
    this.priorities[i] = g.priority;
    this.kinds[i] = GROUP_KINDS.indexOf(g.kind);
    if (g.framework !== undefined) (this.frameworks ??= this.optional())[i] = g.framework;
    if (g.scheduler !== undefined) (this.schedulers ??= this.optional())[i] = g.scheduler;
    if (g.cls !== undefined) (this.classes ??= this.optional())[i] = g.cls;
    if (g.minMember !== undefined) (this.minMembers ??= this.optional())[i] = g.minMember;
    if (g.restart === "controller") (this.restarts ??= new Uint8Array(this.submits.length))[i] = 1;
    this.selectors = sparse(this.selectors, i, g.selector);
    this.podLayouts = sparse(this.podLayouts, i, g.pods);
    for (const m of g.members) this.pushMember(m);
    this.count = i + 1;
    this.firsts[i + 1] = this.memberTotal;
    return i;
  }

  private pushMember(m: Member): void {
    const k = this.memberTotal++;
    if (k === this.cpus.length) this.growMembers();
    this.cpus[k] = m.request.cpu;
    this.memories[k] = m.request.memory;
    this.gpus[k] = m.request.gpu;
    this.delays[k] = m.delay;
    this.inits[k] = m.init ? 1 : 0;
    this.names.push(m.name);
  }

  /** A column for a field most groups lack: NaN where absent. */
  private optional(): Float64Array<ArrayBuffer> {
    return new Float64Array(this.submits.length).fill(NaN);
  }

  private growGroups(): void {
    const cap = this.submits.length * 2;
    this.submits = grown(this.submits, cap);
    this.durations = grown(this.durations, cap);
    this.priorities = grown(this.priorities, cap);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const firsts = new Uint32Array(cap + 1);
    firsts.set(this.firsts);
    this.firsts = firsts;
    if (this.frameworks) this.frameworks = grown(this.frameworks, cap, NaN);
    if (this.schedulers) this.schedulers = grown(this.schedulers, cap, NaN);
    if (this.classes) this.classes = grown(this.classes, cap, NaN);
    if (this.minMembers) this.minMembers = grown(this.minMembers, cap, NaN);
    if (this.restarts) {
      const restarts = new Uint8Array(cap);
      restarts.set(this.restarts);
      this.restarts = restarts;
    }
  }

  private growMembers(): void {
    const cap = this.cpus.length * 2;
    this.cpus = grown(this.cpus, cap);
    this.memories = grown(this.memories, cap);
    this.gpus = grown(this.gpus, cap);
    this.delays = grown(this.delays, cap);
    const inits = new Uint8Array(cap);
    inits.set(this.inits);
    this.inits = inits;
  }

  /** Drops the spare room left by growing (call once every group is in). */
  trim(): void {
    const n = this.count;
    const m = this.memberTotal;
    this.submits = this.submits.slice(0, n);
    this.durations = this.durations.slice(0, n);
    this.priorities = this.priorities.slice(0, n);
    this.kinds = this.kinds.slice(0, n);
    this.firsts = this.firsts.slice(0, n + 1);
    this.frameworks = this.frameworks?.slice(0, n);
    this.schedulers = this.schedulers?.slice(0, n);
    this.classes = this.classes?.slice(0, n);
    this.minMembers = this.minMembers?.slice(0, n);
    this.restarts = this.restarts?.slice(0, n);
    this.cpus = this.cpus.slice(0, m);
    this.memories = this.memories.slice(0, m);
    this.gpus = this.gpus.slice(0, m);
    this.delays = this.delays.slice(0, m);
    this.inits = this.inits.slice(0, m);
  }

  submit(i: number): number {
    return this.submits[i]!;
  }
  duration(i: number): number {
    return this.durations[i]!;
  }
  priority(i: number): number {
    return this.priorities[i]!;
  }
  kind(i: number): GroupKind {
    return GROUP_KINDS[this.kinds[i]!]!;
  }
  framework(i: number): number | undefined {
    return present(this.frameworks, i);
  }
  scheduler(i: number): number | undefined {
    return present(this.schedulers, i);
  }
  cls(i: number): number | undefined {
    return present(this.classes, i);
  }
  minMember(i: number): number | undefined {
    return present(this.minMembers, i);
  }
  restart(i: number): "controller" | undefined {
    return this.restarts !== undefined && this.restarts[i] === 1 ? "controller" : undefined;
  }
  selector(i: number): Selector | undefined {
    return this.selectors?.[i];
  }
  pods(i: number): Uint32Array | undefined {
    return this.podLayouts?.[i];
  }

  memberCount(i: number): number {
    return this.firsts[i + 1]! - this.firsts[i]!;
  }

  /** What the group asks for in all: the sum of its app containers, or its largest init container (no objects built). */
  request(i: number): Resources {
    let cpu = 0;
    let memory = 0;
    let gpu = 0;
    let icpu = 0;
    let imem = 0;
    let igpu = 0;
    for (let k = this.firsts[i]!, hi = this.firsts[i + 1]!; k < hi; k++) {
      if (this.inits[k] === 1) {
        icpu = Math.max(icpu, this.cpus[k]!);
        imem = Math.max(imem, this.memories[k]!);
        igpu = Math.max(igpu, this.gpus[k]!);
      } else {
        cpu += this.cpus[k]!;
        memory += this.memories[k]!;
        gpu += this.gpus[k]!;
      }
    }
    return { cpu: Math.max(cpu, icpu), memory: Math.max(memory, imem), gpu: Math.max(gpu, igpu) };
  }

  /** The group's members, built anew. */
  members(i: number): Member[] {
    const lo = this.firsts[i]!;
    const hi = this.firsts[i + 1]!;
    const out = new Array<Member>(hi - lo);
    for (let k = lo; k < hi; k++) {
      out[k - lo] = {
        name: this.names[k]!,
        request: { cpu: this.cpus[k]!, memory: this.memories[k]!, gpu: this.gpus[k]! },
        delay: this.delays[k]!,
        init: this.inits[k] === 1,
      };
    }
    return out;
  }
}

/** Appends `value` to a column of a field most groups lack, made (dense, undefined before `i`) when first present. */
function sparse<T>(column: (T | undefined)[] | undefined, i: number, value: T | undefined): (T | undefined)[] | undefined {
  if (column !== undefined) column.push(value);
  else if (value !== undefined) {
    column = new Array<T | undefined>(i).fill(undefined);
    column.push(value);
  }
  return column;
}

function present(column: Float64Array | undefined, i: number): number | undefined {
  if (column === undefined) return undefined;
  const v = column[i]!;
  return Number.isNaN(v) ? undefined : v;
}

function grown(a: Float64Array, cap: number, fill = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

/**
 * A group of a GroupStore. Its members are built when first asked for and
 * kept while the group may still need them; `forgetMembers` (called by the
 * lifecycle once the group has run) lets them go, and later asks build them
 * afresh without keeping them.
 */
export class StoredGroup implements Group {
  private cached: readonly Member[] | undefined = undefined;
  private forgotten = false;

  constructor(
    private readonly store: GroupStore,
    readonly index: number,
  ) {}

  get id(): string {
    return this.store.ids[this.index]!;
  }
  get submit(): number {
    return this.store.submit(this.index);
  }
  get kind(): GroupKind {
    return this.store.kind(this.index);
  }
  get duration(): number {
    return this.store.duration(this.index);
  }
  get priority(): number {
    return this.store.priority(this.index);
  }
  get members(): readonly Member[] {
    if (this.cached !== undefined) return this.cached;
    const members = this.store.members(this.index);
    if (!this.forgotten) this.cached = members;
    return members;
  }
  get framework(): number | undefined {
    return this.store.framework(this.index);
  }
  get scheduler(): number | undefined {
    return this.store.scheduler(this.index);
  }
  get selector(): Selector | undefined {
    return this.store.selector(this.index);
  }
  get restart(): "controller" | undefined {
    return this.store.restart(this.index);
  }
  get cls(): number | undefined {
    return this.store.cls(this.index);
  }
  get pods(): Uint32Array | undefined {
    return this.store.pods(this.index);
  }
  get minMember(): number | undefined {
    return this.store.minMember(this.index);
  }

  /** Its number of members, without building them. */
  get memberCount(): number {
    return this.store.memberCount(this.index);
  }

  /** What it asks for in all (effectiveRequest of every member, no overhead), without building its members. */
  get request(): Resources {
    return this.store.request(this.index);
  }

  forgetMembers(): void {
    this.cached = undefined;
    this.forgotten = true;
  }
}

/** Groups in workload order, held in columns; `groups[i].index` must be i. */
export function storeGroups(groups: Iterable<Group>): StoredGroup[] {
  const store = new GroupStore();
  const out: StoredGroup[] = [];
  for (const g of groups) out.push(new StoredGroup(store, store.push(g)));
  store.trim();
  return out;
}

/** The group's number of members (a stored group answers without building them). */
export function memberCount(g: Group): number {
  return g instanceof StoredGroup ? g.memberCount : g.members.length;
}

/** What the group asks for in all: effectiveRequest of every member, without overhead (a stored group answers from its columns). */
export function groupRequest(g: Group): Resources {
  return g instanceof StoredGroup ? g.request : effectiveRequest(g.members);
}
