/**
 * Outgoing and incoming payloads of the Driver transport: validation (the
 * codec's cheap checks, identical to what encoding would enforce) and the
 * arena rule for byte buffers. Nothing here copies a payload object; only
 * byte buffers outside the arena are copied, once, and counted.
 */
import type { Arena } from '@fdf/runtime';
import type { Handle } from '@fdf/zx';
import type { IrRoot, IrType } from '../../ir/types.js';
import { FidlError } from '../../wire/errors.js';
import { TypeRegistry } from '../../wire/layout.js';
import { ValidatorCompiler, type ValidateFn } from '../../wire/validate.js';
import type { AnyProtocol } from '../protocol.js';
import type { TransportStats } from '../types.js';
import { relocatorFor, type Relocator } from './bufferRelocator.js';

interface Validators {
  reg: TypeRegistry;
  compiler: ValidatorCompiler;
}

/** The codec's validator compiler, one per coding table, for payloads checked without encoding. */
const validatorsByTable = new WeakMap<IrRoot, Validators>();

function validatorsOf(table: IrRoot): Validators {
  let v = validatorsByTable.get(table);
  if (v === undefined) {
    const reg = new TypeRegistry(table);
    v = { reg, compiler: new ValidatorCompiler(reg) };
    validatorsByTable.set(table, v);
  }
  return v;
}

/**
 * The handle list a validation collects into (the Driver transport passes
 * handles inside the payload, so it only needs the checks). Taken while a
 * validation runs; a nested one (a getter that sends) gets its own.
 */
let scratchHandles: Handle[] | null = [];

/**
 * One payload type of a protocol (a request, response or event body), with
 * its validator and its buffer walk compiled once.
 */
export class DriverPayload {
  readonly #table: IrRoot;
  readonly type: IrType;
  /** Null when values of the type can never hold a byte buffer. */
  readonly relocate: Relocator | null;
  /** Built on first use, like the codec's. */
  #validate: ValidateFn | null = null;
  /** The root of an error's path, as the codec names it: `EchoEchoRequest.data`. */
  #root = '';

  constructor(proto: AnyProtocol, type: IrType) {
    this.#table = proto.codec.ir;
    this.type = type;
    this.relocate = relocatorFor(this.#table, type);
  }

  /**
   * The codec's `validate(type, value)`: the encoder's checks, the same
   * errors (rooted at the type's name), nothing written.
   */
  validate(value: unknown): void {
    const validate = this.#validate ?? this.#compile();
    const handles = scratchHandles ?? [];
    scratchHandles = null;
    try {
      validate(value, 0, handles);
    } catch (err) {
      if (err instanceof FidlError && err.root === '') err.at(this.#root);
      throw err;
    } finally {
      // Only payloads with handles put anything here; setting `length` is a call, skip it.
      if (handles.length !== 0) handles.length = 0;
      scratchHandles = handles;
    }
  }

  #compile(): ValidateFn {
    const { reg, compiler } = validatorsOf(this.#table);
    this.#root = reg.describe(this.type);
    const validate = compiler.forType(this.type);
    this.#validate = validate;
    return validate;
  }

  /**
   * Validates `value` and returns it with every byte buffer in `arena`: the
   * same object when all of them already were (the zero-copy case), else a
   * copy of the path to each moved buffer.
   */
  toArena(value: unknown, arena: Arena, stats: TransportStats): unknown {
    this.validate(value);
    const relocate = this.relocate;
    if (relocate === null) return value;
    return relocate(value, arena, null, stats, true);
  }

  /**
   * Returns `value` with no byte buffer left in arena memory the caller does
   * not hold: buffers in `keep` (the caller's own arena) stay, the others are
   * copied to the heap and counted, so the message's arena can be released.
   */
  outOfArena(
    value: unknown,
    messageArena: Arena | null,
    keep: Arena | null,
    stats: TransportStats,
  ): unknown {
    const relocate = this.relocate;
    // A reply in the caller's own arena (the usual round trip) keeps every buffer: any buffer
    // the message's arena holds, `keep` holds too, so the walk would move nothing.
    if (relocate === null || messageArena === null || messageArena === keep) return value;
    return relocate(value, messageArena, keep, stats, false);
  }
}
