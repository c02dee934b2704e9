import { effectiveRequest, type Group, type GroupKind, type Member, type Selector } from "./group.ts";
import type { Resources } from "./resources.ts";

/**
 * The members of a workload's groups in typed arrays, so 300,000 groups of a
 * few containers hold a few tens of bytes per member instead of a member
 * object and a request object each for the whole run. A group itself is a
 * small object (StoredGroup) holding its other fields; it builds its
 * `members` when first asked and keeps them until the group has run.
 */
export class GroupStore {
  /** Where each group's members begin; entry `count` is one past the last member. */
  private firsts = new Uint32Array(1025);
  /** Each group's submit time and duration (2 per group, room for firsts.length - 1 groups), not number fields boxed on the heap. */
  private times = new Float64Array(2 * 1024);
  /**
   * Members in chunks of CHUNK, each a Float64Array of (cpu, memory, gpu,
   * delay) per member, a Uint8Array of init flags and a Uint32Array of name
   * codes: filled in place and never copied, so building a large workload
   * leaves no grown-out arrays behind.
   */
  private readonly values: Float64Array[] = [];
  private readonly inits: Uint8Array[] = [];
  /** Each member's name as an index into `names`: a workload has few distinct container names. */
  private readonly nameCodes: Uint32Array[] = [];
  /** The distinct names, each once, and each one's code. */
  private readonly names: string[] = [];
  private readonly codeOf = new Map<string, number>();
  private closed = 0;
  private memberTotal = 0;

  /** Groups stored so far. */
  get count(): number {
    return this.closed;
  }

  /** Appends a group's members (its `index` must be the next position); returns its index. */
  push(g: Group): number {
    for (const m of g.members) this.pushMember(m.name, m.request.cpu, m.request.memory, m.request.gpu, m.delay, m.init);
    return this.close(g.index, g.id);
  }

  /** Appends a member to the group being filled (the one `close` ends next). */
  pushMember(name: string, cpu: number, memory: number, gpu: number, delay: number, init: boolean): void {
    const k = this.memberTotal++;
    const at = k & (CHUNK - 1);
    if (at === 0) {
      this.values.push(new Float64Array(CHUNK * 4));
      this.inits.push(new Uint8Array(CHUNK));
      this.nameCodes.push(new Uint32Array(CHUNK));
    }
    const values = this.values[k >>> CHUNK_BITS]!;
    values[at * 4] = cpu;
    values[at * 4 + 1] = memory;
    values[at * 4 + 2] = gpu;
    values[at * 4 + 3] = delay;
    this.inits[k >>> CHUNK_BITS]![at] = init ? 1 : 0;
    let code = this.codeOf.get(name);
    if (code === undefined) {
      code = this.names.push(name) - 1;
      this.codeOf.set(name, code);
    }
    this.nameCodes[k >>> CHUNK_BITS]![at] = code;
  }

  /** Ends group `index` (it must be the next position) with the members pushed since the last one; returns its index. */
  close(index: number, id: string): number {
    const i = this.closed;
    if (index !== i) throw new Error(`group store: group ${id} has index ${index}, expected ${i}`);
    if (i + 1 === this.firsts.length) {
      const firsts = new Uint32Array(this.firsts.length * 2);
      firsts.set(this.firsts);
      this.firsts = firsts;
      const times = new Float64Array(2 * (firsts.length - 1));
      times.set(this.times);
      this.times = times;
    }
    this.closed = i + 1;
    this.firsts[i + 1] = this.memberTotal;
    return i;
  }

  /** Drops the spare room left by growing the group offsets (call once every group is in). */
  trim(): void {
    this.firsts = this.firsts.slice(0, this.count + 1);
    this.times = this.times.slice(0, this.count * 2);
  }

  /** Sets group i's submit time and duration (once it is closed). */
  setTimes(i: number, submit: number, duration: number): void {
    if (i >= this.closed) throw new Error(`group store: group ${i} is not closed`);
    this.times[i * 2] = submit;
    this.times[i * 2 + 1] = duration;
  }

  submit(i: number): number {
    return this.times[i * 2]!;
  }

  duration(i: number): number {
    return this.times[i * 2 + 1]!;
  }

  memberCount(i: number): number {
    return this.firsts[i + 1]! - this.firsts[i]!;
  }

  /** Member j of group i: its request (a new object), delay and init flag. */
  memberRequest(i: number, j: number): Resources {
    const k = this.firsts[i]! + j;
    const values = this.values[k >>> CHUNK_BITS]!;
    const at = (k & (CHUNK - 1)) * 4;
    return { cpu: values[at]!, memory: values[at + 1]!, gpu: values[at + 2]! };
  }

  memberDelay(i: number, j: number): number {
    const k = this.firsts[i]! + j;
    return this.values[k >>> CHUNK_BITS]![(k & (CHUNK - 1)) * 4 + 3]!;
  }

  memberInit(i: number, j: number): boolean {
    const k = this.firsts[i]! + j;
    return this.inits[k >>> CHUNK_BITS]![k & (CHUNK - 1)] === 1;
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
      const values = this.values[k >>> CHUNK_BITS]!;
      const at = k & (CHUNK - 1);
      if (this.inits[k >>> CHUNK_BITS]![at] === 1) {
        icpu = Math.max(icpu, values[at * 4]!);
        imem = Math.max(imem, values[at * 4 + 1]!);
        igpu = Math.max(igpu, values[at * 4 + 2]!);
      } else {
        cpu += values[at * 4]!;
        memory += values[at * 4 + 1]!;
        gpu += values[at * 4 + 2]!;
      }
    }
    return { cpu: Math.max(cpu, icpu), memory: Math.max(memory, imem), gpu: Math.max(gpu, igpu) };
  }

  /**
   * The group's members, built anew. Members asking for the same resources
   * share one request object (up to SHARED_REQUESTS different ones per
   * group), as the Pods a gang or job replicates from one template do.
   */
  members(i: number): Member[] {
    const lo = this.firsts[i]!;
    const hi = this.firsts[i + 1]!;
    const out = new Array<Member>(hi - lo);
    const shared: Resources[] = [];
    for (let k = lo; k < hi; k++) {
      const values = this.values[k >>> CHUNK_BITS]!;
      const at = k & (CHUNK - 1);
      const cpu = values[at * 4]!;
      const memory = values[at * 4 + 1]!;
      const gpu = values[at * 4 + 2]!;
      let request: Resources | undefined;
      for (let s = 0; s < shared.length && request === undefined; s++) {
        const r = shared[s]!;
        if (Object.is(r.cpu, cpu) && Object.is(r.memory, memory) && Object.is(r.gpu, gpu)) request = r;
      }
      if (request === undefined) {
        request = { cpu, memory, gpu };
        if (shared.length < SHARED_REQUESTS) shared.push(request);
      }
      out[k - lo] = { name: this.names[this.nameCodes[k >>> CHUNK_BITS]![at]!]!, request, delay: values[at * 4 + 3]!, init: this.inits[k >>> CHUNK_BITS]![at] === 1 };
    }
    return out;
  }
}

/** Members per chunk of a GroupStore (a power of two: 16,384, 512 KB of values). */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;

/** Different request objects a group's members may share (a gang's Pod template has a few containers at most). */
const SHARED_REQUESTS = 4;

/** A group's fields other than its members. */
export type GroupFields = Omit<Group, "members" | "forgetMembers" | "resetMembers" | "memberCount" | "memberRequest" | "memberDelay" | "memberInit">;

/**
 * A group whose members are held by a GroupStore: its fields as a plain
 * object has them (absent ones undefined), in fewer bytes: its submit time
 * and duration are in the store's columns, and the fields most groups leave
 * undefined share one object. Its members are built when first
 * asked for and kept while the group may still need them. `forgetMembers`
 * (called by the lifecycle once the group has run) lets them go; later asks
 * build them afresh without keeping them.
 */
export class StoredGroup implements Group {
  readonly index: number;
  readonly id: string;
  readonly kind: GroupKind;
  readonly priority: number;
  /** The fields most groups leave undefined, in one object (one shared object when all are). */
  private readonly rare: RareFields;
  /** Its members once built; FORGOTTEN once the group has run (they are then built afresh when asked). */
  private cached: readonly Member[] | undefined | typeof FORGOTTEN = undefined;

  /** A group of `store`, whose members it already holds (`g` gives its other fields). */
  constructor(
    private readonly store: GroupStore,
    g: GroupFields,
  ) {
    if (g.index >= store.count) throw new Error(`group store: group ${g.id}'s members are not stored`);
    this.index = g.index;
    this.id = g.id;
    this.kind = g.kind;
    this.priority = g.priority;
    store.setTimes(g.index, g.submit, g.duration);
    const rare = g.framework === undefined && g.scheduler === undefined && g.selector === undefined && g.restart === undefined && g.cls === undefined && g.pods === undefined && g.minMember === undefined;
    this.rare = rare ? NO_RARE_FIELDS : { framework: g.framework, scheduler: g.scheduler, selector: g.selector, restart: g.restart, cls: g.cls, pods: g.pods, minMember: g.minMember };
  }

  get submit(): number {
    return this.store.submit(this.index);
  }

  get duration(): number {
    return this.store.duration(this.index);
  }

  get framework(): number | undefined {
    return this.rare.framework;
  }

  get scheduler(): number | undefined {
    return this.rare.scheduler;
  }

  get selector(): Selector | undefined {
    return this.rare.selector;
  }

  get restart(): "controller" | undefined {
    return this.rare.restart;
  }

  get cls(): number | undefined {
    return this.rare.cls;
  }

  get pods(): Uint32Array | undefined {
    return this.rare.pods;
  }

  get minMember(): number | undefined {
    return this.rare.minMember;
  }

  get members(): readonly Member[] {
    const cached = this.cached;
    if (cached !== undefined && cached !== FORGOTTEN) return cached;
    const members = this.store.members(this.index);
    if (cached === undefined) this.cached = members;
    return members;
  }

  /** Its number of members, and member j's request, delay and init flag, without building them. */
  get memberCount(): number {
    return this.store.memberCount(this.index);
  }

  memberRequest(j: number): Resources {
    return this.store.memberRequest(this.index, j);
  }

  memberDelay(j: number): number {
    return this.store.memberDelay(this.index, j);
  }

  memberInit(j: number): boolean {
    return this.store.memberInit(this.index, j);
  }

  /** What it asks for in all (effectiveRequest of every member, no overhead), without building its members. */
  get request(): Resources {
    return this.store.request(this.index);
  }

  forgetMembers(): void {
    this.cached = FORGOTTEN;
  }

  resetMembers(): void {
    this.cached = undefined;
  }
}

/** A StoredGroup's fields that most groups leave undefined. */
interface RareFields {
  readonly framework: number | undefined;
  readonly scheduler: number | undefined;
  readonly selector: Selector | undefined;
  readonly restart: "controller" | undefined;
  readonly cls: number | undefined;
  readonly pods: Uint32Array | undefined;
  readonly minMember: number | undefined;
}

// Not frozen: a frozen object would have another hidden class than a group's own RareFields, and every getter would see two.
const NO_RARE_FIELDS: RareFields = { framework: undefined, scheduler: undefined, selector: undefined, restart: undefined, cls: undefined, pods: undefined, minMember: undefined };

/** A StoredGroup's `cached` once the group has run. */
const FORGOTTEN = Symbol("forgotten");

/** Groups in workload order, held in columns; `groups[i].index` must be i. */
export function storeGroups(groups: Iterable<Group>): StoredGroup[] {
  const store = new GroupStore();
  const out: StoredGroup[] = [];
  for (const g of groups) {
    store.push(g);
    out.push(new StoredGroup(store, g));
  }
  store.trim();
  return out;
}

export { memberCount } from "./group.ts";

/** What the group asks for in all: effectiveRequest of every member, without overhead (a stored group answers from its columns). */
export function groupRequest(g: Group): Resources {
  return g instanceof StoredGroup ? g.request : effectiveRequest(g.members);
}
