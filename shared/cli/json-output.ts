import { writeFile } from 'node:fs/promises';

/** Where a command's output goes: its text and its JSON (`--json FILE`, or `--json -` for stdout). */
export interface JsonOutputIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * Prints `text` and writes `json` (already serialised) to `--json FILE`; with `--json -` the JSON goes to stdout and
 * the text to stderr, so stdout stays one JSON document (as `status`, `report` and `cost` do).
 */
export async function printWithJson(io: JsonOutputIo, text: string, jsonPath: string | undefined, json: () => string): Promise<void> {
  if (jsonPath === '-') {
    io.err(text);
    io.out(json());
    return;
  }
  io.out(text);
  if (jsonPath) await writeFile(jsonPath, json());
}
