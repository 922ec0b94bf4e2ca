/**
 * Newline counting with WebAssembly SIMD, 16 bytes per step: the only hot loop of a diff's
 * byte-identical stretches. The module is assembled here from its instructions (below, one per
 * line, with their text names), not loaded from a file: 187 bytes, validated before use, and
 * callers fall back to the JavaScript count where WebAssembly SIMD is not available.
 *
 *   (func $count (param $p i32) (param $n i32) (result i32)   ;; $n vectors of 16 bytes at $p
 *     while $n > 0: $k = min($n, 255); $n -= $k; $acc = 0
 *       repeat $k: $acc -= (v128.load $p == splat 10); $p += 16     ;; each lane counts ≤ 255
 *       $total += sum of $acc's 16 u8 lanes (extadd_pairwise twice, then 4 extract_lane)
 *     $total)
 */

const P = 0; // param: byte offset in memory
const N = 1; // param: vectors left
const ACC = 2; // local v128: newlines per byte lane
const TOTAL = 3; // local i32
const K = 4; // local i32: vectors left in this batch

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

const name = (text: string): number[] => [...leb(text.length), ...Buffer.from(text, 'latin1')];
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const simd = (opcode: number): number[] => [0xfd, ...leb(opcode)];
const get = (local: number): number[] => [0x20, local];
const set = (local: number): number[] => [0x21, local];

const body = [
  ...[2, 1, 0x7b, 2, 0x7f], // locals: 1 × v128, 2 × i32
  ...[0x02, 0x40], // block $done
  ...[0x03, 0x40], // loop $outer
  ...get(N), 0x45, 0x0d, 1, // i32.eqz; br_if $done
  ...get(N), 0x41, 0xff, 0x01, ...get(N), 0x41, 0xff, 0x01, 0x49, 0x1b, ...set(K), // select($n, 255, $n <u 255)
  ...get(N), ...get(K), 0x6b, ...set(N), // $n -= $k
  ...simd(0x0c), ...new Array<number>(16).fill(0), ...set(ACC), // v128.const 0
  ...[0x03, 0x40], // loop $inner
  ...get(ACC), ...get(P), ...simd(0x00), 0x00, 0x00, // v128.load
  0x41, 0x0a, ...simd(0x0f), // i32.const 10; i8x16.splat
  ...simd(0x23), ...simd(0x71), ...set(ACC), // i8x16.eq (-1 per newline); i8x16.sub
  ...get(P), 0x41, 0x10, 0x6a, ...set(P), // $p += 16
  ...get(K), 0x41, 0x01, 0x6b, 0x22, K, 0x0d, 0, // local.tee $k ($k - 1); br_if $inner
  0x0b, // end $inner
  ...get(ACC), ...simd(0x7d), ...simd(0x7f), ...set(ACC), // i16x8.extadd_pairwise_i8x16_u; i32x4.extadd_pairwise_i16x8_u
  ...get(TOTAL),
  ...[0, 1, 2, 3].flatMap((lane) => [...get(ACC), ...simd(0x1b), lane, 0x6a]), // i32x4.extract_lane; i32.add
  ...set(TOTAL),
  0x0c, 0, // br $outer
  0x0b, // end $outer
  0x0b, // end $done
  ...get(TOTAL),
  0x0b, // end func
];

/** Pages of 64 KiB: the window counted per call is copied in here. */
const PAGES = 17;
export const SIMD_PIECE = 1 << 20;

const MODULE = [
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // \0asm, version 1
  ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]), // type: (i32, i32) → i32
  ...section(3, [1, 0]), // function 0 of type 0
  ...section(5, [1, 0, PAGES]), // memory: PAGES pages
  ...section(7, [2, ...name('count'), 0, 0, ...name('memory'), 2, 0]), // exports
  ...section(10, [1, ...leb(body.length), ...body]), // code
];

export interface SimdCounter {
  /** Newlines in `vectors` × 16 bytes at `offset` of `memory`. */
  count(offset: number, vectors: number): number;
  readonly memory: Uint8Array;
}

/** The little of the WebAssembly API used here (this project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

let counter: SimdCounter | null | undefined;

/** The SIMD counter, or null where WebAssembly SIMD is unavailable. */
export function simdCounter(): SimdCounter | null {
  if (counter !== undefined) return counter;
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = new Uint8Array(MODULE);
    if (!wasm?.validate(bytes)) return (counter = null);
    const { exports } = new wasm.Instance(new wasm.Module(bytes));
    const count = exports['count'] as (offset: number, vectors: number) => number;
    counter = { count, memory: new Uint8Array((exports['memory'] as { buffer: ArrayBuffer }).buffer) };
  } catch {
    counter = null;
  }
  return counter;
}
