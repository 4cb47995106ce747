// The benchmark report: every line is printed and kept for BENCHMARKS.md, and the few formats the
// sections share (counts, milliseconds, shares, MB, markdown tables).

/** Every line said so far, in order: the runner writes them to BENCHMARKS.md. */
export const md: string[] = [];
export const say = (line = ''): void => {
  console.log(line);
  md.push(line);
};

export const n0 = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
export const ms = (x: number): string => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString()) : '–');
export const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');
export const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : '–');
export function table(head: string[], rows: string[][]): void {
  say(`| ${head.join(' | ')} |`);
  say(`|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of rows) say(`| ${row.join(' | ')} |`);
  say();
}
