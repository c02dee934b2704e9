/** `text` with what lies between the `start` and `end` markers replaced by `body` (markers kept). */
export function replaceBetween(text: string, start: string, end: string, body: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md: missing ${start} ... ${end}`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}
