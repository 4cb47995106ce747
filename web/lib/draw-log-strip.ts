// Drawing one node's log strip (and the index ruler above the strips) on a canvas, from the layout
// log-window.ts computes. The strips look like the Logs panel's elements: a box per entry coloured
// by term, filled when committed, hatched where the snapshot compacted the log, ▂ the leader's match
// and ▲ its next index. A canvas costs one bitmap per summary where elements cost hundreds made,
// styled and laid out (bench/page.ts measures both: "summaries … drawing").
import type { LogRowLayout, LogWindow } from './log-window.ts';
import { termColor } from './term-colors.ts';

export const ROW_HEIGHT = 26;
export const HEAD_HEIGHT = 14;
/** The narrow slot after the newest index, where "next" points when a follower is caught up. */
const NEXT_SLOT = 14;
/** Narrower than this a strip is no longer readable: it scrolls instead. Cells narrower than
 *  TEXT_CELL drop their term numbers (the colour still says the term). */
const MIN_CELL = 6;
const TEXT_CELL = 14;

/** The strips fit the room they have (the newest entries stay in view) down to 6 px a cell. */
export function stripWidth(available: number, columns: number): number {
  return Math.max(available, columns * MIN_CELL + NEXT_SLOT);
}

function cellWidth(width: number, columns: number): number {
  return (width - NEXT_SLOT) / columns;
}

export interface StripColors {
  ink: string;
  muted: string;
  line: string;
  focus: string;
  font: string;
}

/** Sizes the canvas's bitmap to its CSS size at the screen's pixel ratio and clears it. */
function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  const pixelsWide = Math.round(width * ratio);
  const pixelsHigh = Math.round(height * ratio);
  if (canvas.width !== pixelsWide) canvas.width = pixelsWide;
  if (canvas.height !== pixelsHigh) canvas.height = pixelsHigh;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

export function drawLogRow(canvas: HTMLCanvasElement, row: LogRowLayout, columns: number, width: number, colors: StripColors): void {
  const context = prepare(canvas, width, ROW_HEIGHT);
  if (!context || width <= 0) return;
  const cell = cellWidth(width, columns);
  if (row.compactedThrough !== null) hatch(context, 0, 1, (row.compactedThrough + 1) * cell, 22, colors.line);
  context.font = `10px ${colors.font}`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.lineWidth = 2;
  for (const entry of row.entries) {
    const x = entry.slot * cell + 1;
    const color = termColor(entry.term);
    context.beginPath();
    context.roundRect(x + 1, 3, Math.max(1, cell - 4), 18, Math.min(3, cell / 4));
    if (entry.committed) {
      context.fillStyle = color;
      context.fill();
    }
    context.strokeStyle = color;
    context.stroke();
    if (cell < TEXT_CELL) continue;
    context.fillStyle = entry.committed ? '#fff' : colors.ink;
    context.fillText(String(entry.term), x + (cell - 2) / 2, 12.5);
  }
  if (row.match !== null) {
    context.fillStyle = colors.ink;
    context.fillRect(row.match * cell + 2, 23, Math.max(3, cell - 4), 2);
  }
  if (row.next !== null) {
    const center = row.next < columns ? (row.next + 0.5) * cell : columns * cell + NEXT_SLOT / 2;
    context.fillStyle = colors.focus;
    context.beginPath();
    context.moveTo(center, 8);
    context.lineTo(center + 4, 16);
    context.lineTo(center - 4, 16);
    context.closePath();
    context.fill();
  }
}

/** Index numbers over the strips: every fifth, and the first and the last where no fifth is near
 *  them (cells are narrow here; two numbers would overlap). Kept inside the ruler at both ends. */
export function drawLogHeader(canvas: HTMLCanvasElement, slice: LogWindow, width: number, colors: StripColors): void {
  const context = prepare(canvas, width, HEAD_HEIGHT);
  if (!context || width <= 0) return;
  const cell = cellWidth(width, slice.columns);
  context.font = `9px ${colors.font}`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillStyle = colors.muted;
  const nearFifth = (index: number): boolean => Math.abs(index - Math.round(index / 5) * 5) < 3;
  for (let index = slice.lo; index <= slice.hi; index++) {
    const end = index === slice.lo || index === slice.hi;
    if (index % 5 !== 0 && !(end && !nearFifth(index))) continue;
    const text = String(index);
    // Digits at 9 px are ~5.4 px wide (measuring each would cost more than the whole ruler).
    const half = text.length * 2.7;
    context.fillText(text, Math.min(width - NEXT_SLOT - half, Math.max(half, (index - slice.lo + 0.5) * cell)), HEAD_HEIGHT / 2);
  }
}

/** The snapshot's hatching: 4 px stripes at 45°, as the elements' repeating gradient draws it. */
function hatch(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, color: string): void {
  context.save();
  context.beginPath();
  context.roundRect(x, y, width, height, 3);
  context.clip();
  context.strokeStyle = color;
  context.lineWidth = 2.8;
  for (let offset = -height; offset < width; offset += 8) {
    context.beginPath();
    context.moveTo(x + offset, y + height);
    context.lineTo(x + offset + height, y);
    context.stroke();
  }
  context.restore();
}
