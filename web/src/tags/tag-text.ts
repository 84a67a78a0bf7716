/** Tags as typed in one field, comma-separated; the server normalizes each. */
export const tagsOf = (text: string): string[] =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
