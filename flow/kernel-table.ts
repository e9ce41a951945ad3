/** The DESIGN.md kernel table, with formats and loop orders, for the SAM graph and golden-run tests. */
import { resolveKernel, type Kernel } from '../compiler/resolve.ts';
import { buildSamGraph, type SamGraph } from '../compiler/sam-graph.ts';
import { randomTensor } from '../formats/random.ts';
import type { Tensor } from '../formats/tensor.ts';

export interface KernelCase {
  readonly name: string;
  readonly expr: string;
  readonly formats: Readonly<Record<string, string>>;
  readonly order?: readonly string[];
  /** Input tensor -> its index variables (shapes come from per-variable sizes). */
  readonly inputs: Readonly<Record<string, readonly string[]>>;
}

export const TABLE: readonly KernelCase[] = [
  { name: 'vector mul', expr: 'x(i)=b(i)*c(i)', formats: {}, inputs: { b: ['i'], c: ['i'] } },
  { name: 'vector add', expr: 'x(i)=b(i)+c(i)', formats: {}, inputs: { b: ['i'], c: ['i'] } },
  { name: 'SpMV CSR, c dense', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ds', c: 'd' }, inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'SpMV CSR, c sparse', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ds', c: 's' }, inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'SpMV DCSR, c dense', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ss', c: 'd' }, inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'SpMV DCSR, c sparse', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ss', c: 's' }, inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'elementwise mul', expr: 'X(i,j)=B(i,j)*C(i,j)', formats: { B: 'ss', C: 'ss' }, inputs: { B: ['i', 'j'], C: ['i', 'j'] } },
  { name: 'elementwise add', expr: 'X(i,j)=B(i,j)+C(i,j)', formats: { B: 'ss', C: 'ss' }, inputs: { B: ['i', 'j'], C: ['i', 'j'] } },
  { name: 'elementwise add3', expr: 'X(i,j)=B(i,j)+C(i,j)+D(i,j)', formats: { B: 'ss', C: 'ss', D: 'ss' }, inputs: { B: ['i', 'j'], C: ['i', 'j'], D: ['i', 'j'] } },
  { name: 'SpMSpM inner product', expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ss', C: 'ss:1,0' }, order: ['i', 'j', 'k'], inputs: { B: ['i', 'k'], C: ['k', 'j'] } },
  { name: 'SDDMM', expr: 'X(i,j)=B(i,j)*C(i,k)*D(k,j)', formats: { B: 'ss', C: 'dd', D: 'dd:1,0' }, inputs: { B: ['i', 'j'], C: ['i', 'k'], D: ['k', 'j'] } },
  { name: 'residual', expr: 'x(i)=b(i)-C(i,j)*d(j)', formats: { C: 'ss' }, inputs: { b: ['i'], C: ['i', 'j'], d: ['j'] } },
  { name: 'MatTransMul', expr: 'x(i)=C(j,i)*d(j)', formats: { C: 'ss:1,0' }, inputs: { C: ['j', 'i'], d: ['j'] } },
  { name: 'MatTransMul scaled (constants)', expr: 'x(i)=2*C(j,i)*d(j)+3*e(i)', formats: { C: 'ss:1,0' }, inputs: { C: ['j', 'i'], d: ['j'], e: ['i'] } },
  { name: 'MatTransMul scaled (scalars)', expr: 'x(i)=a*C(j,i)*d(j)+b*e(i)', formats: { C: 'ss:1,0' }, inputs: { a: [], b: [], C: ['j', 'i'], d: ['j'], e: ['i'] } },
  { name: 'TTV', expr: 'X(i,j)=B(i,j,k)*c(k)', formats: { B: 'sss' }, inputs: { B: ['i', 'j', 'k'], c: ['k'] } },
  { name: 'TTM', expr: 'X(i,j,k)=B(i,j,l)*C(k,l)', formats: { B: 'sss' }, inputs: { B: ['i', 'j', 'l'], C: ['k', 'l'] } },
  { name: 'MTTKRP', expr: 'X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', formats: { B: 'sss' }, inputs: { B: ['i', 'k', 'l'], C: ['j', 'k'], D: ['j', 'l'] } },
  { name: '3-tensor inner product', expr: 'x=B(i,j,k)*C(i,j,k)', formats: { B: 'sss', C: 'sss' }, inputs: { B: ['i', 'j', 'k'], C: ['i', 'j', 'k'] } },
];

export const GUSTAVSON: KernelCase = {
  name: 'SpMSpM Gustavson', expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ss', C: 'ss' }, order: ['i', 'k', 'j'], inputs: { B: ['i', 'k'], C: ['k', 'j'] },
};

/**
 * Kernels whose loop order sums a variable outside a kept one, so their graph
 * uses a sparse accumulator (SAM SpAcc1, or SpAcc2 for the outer product; MEM tile modes).
 */
export const SPACC_TABLE: readonly KernelCase[] = [
  GUSTAVSON,
  { name: 'SpMSpM outer product', expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ss:1,0', C: 'ss' }, order: ['k', 'i', 'j'], inputs: { B: ['i', 'k'], C: ['k', 'j'] } },
  { name: 'SpMV CSC, c sparse', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ss:1,0', c: 's' }, order: ['j', 'i'], inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'SpMV CSC, c dense', expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ss:1,0', c: 'd' }, order: ['j', 'i'], inputs: { B: ['i', 'j'], c: ['j'] } },
  { name: 'MatTransMul, C not transposed', expr: 'x(i)=C(j,i)*d(j)', formats: { C: 'ss' }, order: ['j', 'i'], inputs: { C: ['j', 'i'], d: ['j'] } },
  { name: 'Gustavson masked (hoisted product)', expr: 'X(i,j)=D(i,j)*B(i,k)*C(k,j)', formats: {}, order: ['i', 'k', 'j'], inputs: { D: ['i', 'j'], B: ['i', 'k'], C: ['k', 'j'] } },
  // Two accumulators in a chain (l, then k), and a reducer (l) before an accumulator (k).
  {
    name: 'MTTKRP, k and l outside j', expr: 'X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', formats: { B: 'sss', C: 'ss:1,0', D: 'ss:1,0' }, order: ['i', 'k', 'l', 'j'],
    inputs: { B: ['i', 'k', 'l'], C: ['j', 'k'], D: ['j', 'l'] },
  },
  {
    name: 'MTTKRP, k outside j, l inside', expr: 'X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', formats: { B: 'sss', C: 'ss:1,0', D: 'ss' }, order: ['i', 'k', 'j', 'l'],
    inputs: { B: ['i', 'k', 'l'], C: ['j', 'k'], D: ['j', 'l'] },
  },
];

export const shapesOf = (c: KernelCase, dims: Readonly<Record<string, number>>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(c.inputs).map(([t, vars]) => [t, vars.map((v) => dims[v])]));

export function kernelOf(c: KernelCase, dims: Readonly<Record<string, number>>, formats = c.formats): Kernel {
  return resolveKernel(c.expr, formats, c.order, shapesOf(c, dims));
}

export function graphOf(c: KernelCase, dims: Readonly<Record<string, number>>, dataWidth = 16): { kernel: Kernel; graph: SamGraph } {
  const kernel = kernelOf(c, dims);
  return { kernel, graph: buildSamGraph(kernel, { dataWidth }) };
}

/** Random inputs of the case; `density` per tensor (a number applies to all). */
export function randomInputs(c: KernelCase, dims: Readonly<Record<string, number>>, density: number | Readonly<Record<string, number>>, seed: number): Record<string, Tensor> {
  const shapes = shapesOf(c, dims);
  return Object.fromEntries(
    Object.entries(shapes).map(([t, shape], k) => [t, randomTensor(shape, typeof density === 'number' ? density : density[t] ?? 0.5, seed * 101 + k)]),
  );
}

/** Every index variable of the case at the given size. */
export function uniformDims(c: KernelCase, size: number): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const vars of Object.values(c.inputs)) for (const v of vars) dims[v] = size;
  return dims;
}
