/** The database cut (or zero-extended) to `size` bytes, as SQLite's pager truncates or grows its file. */
export function resized(database: Uint8Array, size: number): Uint8Array {
  if (database.length === size) return database;
  if (database.length > size) return database.subarray(0, size);
  const grown = new Uint8Array(size);
  grown.set(database);
  return grown;
}
