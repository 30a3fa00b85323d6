import type { EndEvent, LayerStats, RunEvent, TraceEvent } from '../../domain/index.js';
import { FRACTION_STATS, MAGNITUDE_STATS } from '../../domain/index.js';
import { TraceError } from '../trace-error.js';
import { createSequenceState, validateEvent } from '../validate-event.js';
import { resolveField, type TraceField } from './field-map.js';

/** The `run` event an importer knows before the values (RunEvent is loose: Omit would lose its keys). */
export type RunHeader = { id: string } & Partial<
  Pick<
    RunEvent,
    | 'name'
    | 'framework'
    | 'task'
    | 'model'
    | 'optimizer'
    | 'loss'
    | 'batchSize'
    | 'epochs'
    | 'dataset'
    | 'tags'
  >
>;

export interface RunBuilderOptions {
  /** The file read, named in errors. */
  file: string;
  run: RunHeader;
  /** `--map` overrides of the shared field map. */
  map?: Readonly<Record<string, string>>;
  /** Where the run's notes go (ImportedRun.notes). */
  notes: string[];
  /** Each step is an epoch (Keras CSV rows): `loss` and `metrics.*` go to the epoch event's `train`. */
  rowsAreEpochs?: boolean;
  /** What a source name is called in notes: `tags`, `columns`, `keys`. */
  names?: string;
}

/**
 * The step being built: its objects, each made at its first value and filled
 * as the values arrive (one pass over them, no list of values to go through
 * again), handed on by flush() once the step is complete. The group itself is
 * one object, reused for every step.
 */
interface Group {
  open: boolean;
  step: number;
  epoch: number | undefined;
  /** The step event, made at the step's first step field. */
  event: Record<string, unknown> | undefined;
  metrics: Record<string, number> | undefined;
  train: Record<string, number> | undefined;
  val: Record<string, number> | undefined;
  layers: Record<string, LayerStats> | undefined;
}

/** What RunBuilder.slot hands out: a name's target, opaque to the caller. */
export type ValueSlot = object;

/** Where a name's values go, worked out once per name (field map, scope, range): no string work per value. */
interface Target {
  /** The source name (tag, column, key). */
  name: string;
  kind: 'none' | 'epoch' | 'layers' | 'metrics' | 'train' | 'val' | 'field';
  /** The key in the metric map, or the step field. */
  key: string;
  range: 'any' | 'fraction' | 'magnitude';
  /** Where add() puts a value: kind and key resolved once to a small integer (STORE_*), no string compared per value. */
  store: number;
  /** The target of the name logged after this one last time. */
  next: Target | undefined;
}

// Where a target's values go in add(). The step fields the field map knows get their own code:
// a named store each, as one keyed store site adding different names goes through V8's generic
// property-add path.
const STORE_NONE = 0;
const STORE_LOSS = 1;
const STORE_LEARNING_RATE = 2;
const STORE_GRAD_NORM = 3;
const STORE_FIELD = 4;
const STORE_METRICS = 5;
const STORE_TRAIN = 6;
const STORE_VAL = 7;
const STORE_EPOCH = 8;

// Enough for the events a TensorBoard import makes per read of its file (about 900), and no big
// array made for nothing after a take() of a whole run.
const TAKE_PRESIZE = 4096;

const FRACTION_KEYS = new Set<string>(FRACTION_STATS);
const MAGNITUDE_KEYS = new Set<string>([...MAGNITUDE_STATS, 'learningRate']);

/**
 * Turns logged values, in step order, into trace events: values of the same
 * step merge into one `step` event (and one `epoch` event for epoch-level
 * values), steps strictly increase, the `run` event comes first and an `end`
 * event last (`diverged` when the last loss is not finite). Names are mapped
 * through the shared field map; unknown ones are listed in the notes, never
 * guessed. Events are validated as the trace reader validates them.
 *
 * @example const b = createRunBuilder({ file, run: { id: 'r' }, notes }); b.value(0, 'loss', 2.3); b.finish();
 */
export function createRunBuilder(options: RunBuilderOptions): RunBuilder {
  return new RunBuilder(options);
}

/**
 * The builder createRunBuilder makes. A class, not closures: its methods are
 * the same functions in every import, so the code V8 optimised for them (and
 * for the loops that call them, once per value) in one import stays valid in
 * the next; closures made anew per import were recompiled in every import.
 */
export class RunBuilder {
  private readonly options: RunBuilderOptions;
  private readonly rowsAreEpochs: boolean;
  private readonly where: { file: string };
  private readonly state = createSequenceState();
  private readonly targets = new Map<string, Target>();
  private readonly unknownNames = new Set<string>();
  private run: RunHeader;
  // The events made since the last take(), in an array made at the size of the last one taken
  // (up to TAKE_PRESIZE): grown from empty by push, each chunk's array was copied at every growth,
  // a tenth of a large import's garbage.
  private out: TraceEvent[] = [];
  private outCount = 0;
  private readonly group: Group = {
    open: false,
    step: 0,
    epoch: undefined,
    event: undefined,
    metrics: undefined,
    train: undefined,
    val: undefined,
    layers: undefined,
  };
  private lastEpoch: number | undefined = undefined;
  private epochCount = 0;
  private lastStep: number | undefined = undefined;
  // A double from the start (NaN until a loss is seen): a field that starts as another kind of
  // value changes its representation at the first loss, deoptimising the code that stored it.
  private lastLoss = Number.NaN;
  private lossSeen = false;
  // value()'s number, for add().
  private readonly scratch = new Float64Array(1);
  private valueCount = 0;
  private dropped = 0;
  private droppedFrom = 0;
  // Values outside the range the trace format gives their field (a negative rate or norm, a share
  // above 1) are dropped and named in the notes: the trace reader would refuse the whole event.
  private readonly outOfRange: string[] = [];
  // Logs repeat their names in the same order at every step: the target that followed the last one
  // is tried first (one string compare), before the map.
  private lastTarget: Target | undefined = undefined;

  constructor(options: RunBuilderOptions) {
    this.options = options;
    this.rowsAreEpochs = options.rowsAreEpochs === true;
    this.where = { file: options.file };
    this.run = options.run;
  }

  /** Fills in what the importer learns of the run after it started (a W&B config record). Before any value only. */
  setRun(patch: Partial<RunHeader>): void {
    this.run = { ...this.run, ...patch };
  }

  /** One logged value of `name` at `step` (steps in order; a step lower than the last is dropped and noted). */
  value(step: number, name: string, value: number): void {
    // The hot path of every importer, once per logged value: the name that followed the last one
    // is tried inline, before the call that finds it.
    let target = this.lastTarget?.next;
    if (target !== undefined && target.name === name) this.lastTarget = target;
    else target = this.targetOf(name);
    if (target.kind === 'none') return;
    this.scratch[0] = value;
    this.add(target, step, this.scratch, 0);
  }

  /**
   * Where the values of `name` go, found once for valueAt (null: nowhere, the name is noted when
   * unknown as value() notes it). For a caller that numbers its names: no look-up per value.
   */
  slot(name: string): ValueSlot | null {
    const target = this.targetOf(name);
    return target.kind === 'none' ? null : target;
  }

  /** value() of the name `slot` was found for, the value being `values[at]` (a column of the caller's: no number boxed per value). */
  valueAt(slot: ValueSlot, step: number, values: ArrayLike<number>, at: number): void {
    this.add(slot as Target, step, values, at);
  }

  /** Per-layer statistics at `step` (from a histogram), merged with others of the same layer and step. */
  layer(step: number, layer: string, stats: LayerStats): void {
    const g = this.groupAt(step);
    if (!g) return;
    this.valueCount++;
    const layers = g.layers ?? {};
    g.layers = layers;
    // Merged into the layer's object of this step in place (no entries array, no copy): a key it
    // already has keeps its place, a new one goes last, as a spread of the two would order them.
    // The object is this step's own until flush() hands it on.
    const merged: Record<string, unknown> = layers[layer] ?? {};
    layers[layer] = merged;
    for (const k in stats) {
      const v = (stats as Record<string, unknown>)[k];
      if (typeof v !== 'number' || this.inRange(k, rangeOf(k), v, step)) merged[k] = v;
    }
  }

  /** A name the importer could not map (listed in the notes). */
  unknown(name: string): void {
    this.unknownNames.add(name);
  }

  /** Every event so far, the last step's too: what to hand on before an error ends the stream. */
  drain(): TraceEvent[] {
    this.flush();
    return this.take();
  }

  /** The events completed so far, handed over once. */
  take(): TraceEvent[] {
    const done = this.out;
    done.length = this.outCount;
    this.out = new Array(Math.min(this.outCount, TAKE_PRESIZE));
    this.outCount = 0;
    return done;
  }

  /** Ends the run: the last step's events, the `end` event, the notes. Throws on a log with no value. */
  finish(): TraceEvent[] {
    this.flush();
    const { notes } = this.options;
    if (this.unknownNames.size)
      notes.push(
        `${this.options.names ?? 'tags'} traindx does not know, not imported (map one with --map NAME=FIELD): ${[...this.unknownNames].join(', ')}`,
      );
    if (this.dropped)
      notes.push(
        `${this.dropped} values logged after step ${this.droppedFrom} at lower steps were dropped (the log goes back in steps; the first values were kept)`,
      );
    if (this.outOfRange.length)
      notes.push(
        `${this.outOfRange.length} values outside their field's range were dropped (${this.outOfRange.filter(Boolean).join('; ')})`,
      );
    if (this.valueCount === 0) throw new TraceError(this.where, undefined, 'no values logged (an empty log)');
    const diverged = this.lossSeen && !Number.isFinite(this.lastLoss);
    const end: EndEvent = {
      type: 'end',
      step: this.lastStep ?? 0,
      status: diverged ? 'diverged' : 'completed',
      ...(diverged ? { reason: `the last loss is ${this.lastLoss}` } : {}),
    };
    this.emit(end);
    return this.take();
  }

  private inRange(field: string, range: Target['range'], v: number, step: number): boolean {
    const ok = range === 'fraction' ? !(v < 0 || v > 1) : range === 'magnitude' ? !(v < 0) : true;
    if (!ok && this.outOfRange.length < 5) this.outOfRange.push(`${field} ${v} at step ${step}`);
    else if (!ok) this.outOfRange.push('');
    return ok;
  }

  // The run event goes through the schema; the others are built here from numbers only, with
  // integer steps checked in groupAt, so validating each again would double the cost of a large log.
  private emit(event: TraceEvent): void {
    if (!this.state.seenRun)
      this.out[this.outCount++] = validateEvent(
        { type: 'run', formatVersion: 1, ...this.run },
        this.where,
        this.state,
      );
    this.out[this.outCount++] = event;
  }

  private targetOf(name: string): Target {
    const last = this.lastTarget;
    const guess = last?.next;
    if (guess !== undefined && guess.name === name) {
      this.lastTarget = guess;
      return guess;
    }
    let target = this.targets.get(name);
    if (target === undefined) {
      const field = resolveField(name, this.options.map);
      if (field === undefined) this.unknownNames.add(name);
      target = resolveTarget(name, field, this.rowsAreEpochs);
      this.targets.set(name, target);
    }
    if (last) last.next = target;
    this.lastTarget = target;
    return target;
  }

  private groupAt(step: number): Group | undefined {
    const g = this.group;
    if (g.open && step === g.step) return g;
    if (!Number.isSafeInteger(step) || step < 0)
      throw new TraceError(this.where, 'step', `expected a step that is an integer ≥ 0, got ${step}`);
    if (g.open && step < g.step) {
      if (this.dropped === 0) this.droppedFrom = g.step;
      this.dropped++;
      return undefined;
    }
    this.flush();
    g.open = true;
    g.step = step;
    g.epoch = undefined;
    g.event = undefined;
    g.metrics = undefined;
    g.train = undefined;
    g.val = undefined;
    g.layers = undefined;
    return g;
  }

  private flush(): void {
    const g = this.group;
    if (!g.open) return;
    g.open = false;
    if (g.epoch !== undefined) this.lastEpoch = g.epoch;
    let step = g.event;
    const { metrics, train, val } = g;
    if (step || metrics || g.layers) {
      step ??= stepEvent(g.step, this.lastEpoch);
      if (metrics) step.metrics = metrics;
      if (g.layers) step.layers = g.layers;
      this.emit(step as TraceEvent);
    }
    if (train || val) {
      const epoch = g.epoch ?? (this.rowsAreEpochs ? g.step : (this.lastEpoch ?? this.epochCount));
      const event = new EpochEventObject();
      event.type = 'epoch';
      event.epoch = epoch;
      if (!this.rowsAreEpochs) event.step = g.step;
      if (train) event.train = train;
      if (val) event.val = val;
      this.emit(event as TraceEvent);
      this.epochCount = epoch + 1;
      if (train?.loss !== undefined) {
        this.lastLoss = train.loss;
        this.lossSeen = true;
      }
    }
    this.lastStep = g.step;
  }

  /**
   * The epoch value of the open step: its step event, if already made, takes it as flush() would
   * have made it. An event made before any epoch was known has no `epoch` key, and one added now
   * would go last: it is made again, its keys copied after `epoch` (once a run, at most).
   */
  private setEpoch(g: Group, epoch: number): void {
    g.epoch = epoch;
    const made = g.event;
    if (made === undefined) return;
    if ('epoch' in made) {
      made.epoch = epoch;
      return;
    }
    const event = stepEvent(g.step, epoch);
    for (const key in made) if (key !== 'type' && key !== 'step') event[key] = made[key];
    g.event = event;
  }

  // A value of a mapped name, stored in the open step's objects (flush() hands them on). Read from
  // `values[at]`, not passed as a number: a number passed to a call V8 does not inline is boxed,
  // once per value.
  private add(target: Target, step: number, values: ArrayLike<number>, at: number): void {
    const value = values[at]!;
    let g: Group | undefined = this.group;
    if (!g.open || step !== g.step) {
      g = this.groupAt(step);
      if (!g) return;
    }
    this.valueCount++;
    const store = target.store;
    if (store === STORE_EPOCH) {
      if (Number.isFinite(value) && value >= 0) this.setEpoch(g, Math.floor(value));
      return;
    }
    // (a histogram's field, kind 'layers', STORE_NONE, reaches the builder through layer() only)
    if (
      store === STORE_NONE ||
      (target.range !== 'any' && !this.inRange(target.key, target.range, value, step))
    )
      return;
    // Named stores for the step fields the field map knows: one keyed store site adding different
    // names goes through V8's generic property-add path, and a call would box the number.
    if (store === STORE_LOSS) {
      g.event ??= stepEvent(step, g.epoch ?? this.lastEpoch);
      g.event.loss = value;
      this.lastLoss = value;
      this.lossSeen = true;
    } else if (store === STORE_LEARNING_RATE) {
      g.event ??= stepEvent(step, g.epoch ?? this.lastEpoch);
      g.event.learningRate = value;
    } else if (store === STORE_GRAD_NORM) {
      g.event ??= stepEvent(step, g.epoch ?? this.lastEpoch);
      g.event.gradNorm = value;
    } else if (store === STORE_FIELD) {
      g.event ??= stepEvent(step, g.epoch ?? this.lastEpoch);
      g.event[target.key] = value;
    } else if (store === STORE_METRICS) {
      g.metrics ??= new MetricMap();
      g.metrics[target.key] = value;
    } else if (store === STORE_TRAIN) {
      g.train ??= new TrainMap();
      g.train[target.key] = value;
    } else {
      g.val ??= new ValMap();
      g.val[target.key] = value;
    }
  }
}

// Built by assignment, not spreads: this runs once per step of a log of millions.
function stepEvent(step: number, epoch: number | undefined): Record<string, unknown> {
  const event = new StepEventObject();
  event.type = 'step';
  event.step = step;
  if (epoch !== undefined) event.epoch = epoch;
  return event;
}

function resolveTarget(name: string, field: TraceField | undefined, rowsAreEpochs: boolean): Target {
  const target = (kind: Target['kind'], key = '', range: Target['range'] = 'any'): Target => ({
    name,
    kind,
    key: internalized(key),
    range,
    store: storeOf(kind, key, rowsAreEpochs),
    next: undefined,
  });
  if (field === undefined || field === 'ignore' || field === 'step') return target('none');
  if (field === 'epoch') return target('epoch');
  const dot = field.indexOf('.');
  const scope = dot < 0 ? field : field.slice(0, dot);
  const key = field.slice(dot + 1);
  if (scope === 'metrics' || scope === 'train' || scope === 'val' || scope === 'layers')
    return target(scope, key);
  return target('field', field, rangeOf(field));
}

/**
 * A maker of plain objects (prototype Object.prototype, constructor Object: to every reader the
 * same as `{}`) of one kind, filled by assignment. Only for V8's slack tracking: an object made by
 * `new` of a function gets as many fields in the object itself as the first objects of its kind
 * were given, where `{}` always gets four. A step event of six fields made from `{}` has two of
 * them in a second array, and a metric map of one value three empty slots: a step of a large log
 * made both kinds, and the allocations are most of an import's garbage. One maker per kind, made
 * once: each learns its own size, and the stores in flush() see the same shapes in every import.
 */
function plainObjectKind<T extends object>(): new () => T {
  const kind = function PlainObject() {} as unknown as new () => T;
  kind.prototype = Object.prototype;
  return kind;
}
const StepEventObject = plainObjectKind<Record<string, unknown>>();
const EpochEventObject = plainObjectKind<Record<string, unknown>>();
const MetricMap = plainObjectKind<Record<string, number>>();
const TrainMap = plainObjectKind<Record<string, number>>();
const ValMap = plainObjectKind<Record<string, number>>();

/**
 * The same string as a property key V8 has interned: a key cut from the field's name (`slice`) is
 * not, and `obj[key] = v` with such a key looks it up in the string table at every store (flush
 * stores one per value).
 */
function internalized(key: string): string {
  return Object.keys({ [key]: 0 })[0]!;
}

/** Where flush() puts a value of a target of this kind and key (STORE_*). */
function storeOf(kind: Target['kind'], key: string, rowsAreEpochs: boolean): number {
  if (kind === 'field' && rowsAreEpochs && key === 'loss') return STORE_TRAIN;
  if (kind === 'field')
    return key === 'loss'
      ? STORE_LOSS
      : key === 'learningRate'
        ? STORE_LEARNING_RATE
        : key === 'gradNorm'
          ? STORE_GRAD_NORM
          : STORE_FIELD;
  if (kind === 'metrics') return rowsAreEpochs ? STORE_TRAIN : STORE_METRICS;
  if (kind === 'train') return STORE_TRAIN;
  if (kind === 'val') return STORE_VAL;
  if (kind === 'epoch') return STORE_EPOCH;
  return STORE_NONE;
}

function rangeOf(field: string): Target['range'] {
  return FRACTION_KEYS.has(field) ? 'fraction' : MAGNITUDE_KEYS.has(field) ? 'magnitude' : 'any';
}
