// One colour per term, stable across nodes, so the same term looks the same in every log strip.
import { scaleOrdinal } from 'd3-scale';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];
const scale = scaleOrdinal<number, string>().range(PALETTE);

export function termColor(term: number): string {
  return scale(term % PALETTE.length);
}
