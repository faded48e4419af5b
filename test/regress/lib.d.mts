export const regressDir: string;
export const sqlDir: string;
export const expectedDir: string;
export const resultsDir: string;
export const handWritten: Set<string>;
export function listTests(only?: string[]): string[];
export function runOne(
  name: string,
  conn: { host: string; port: number; user: string; database: string },
  opts?: { outDir?: string },
): Promise<{ outPath: string; output: string; psqlExit: number | null; signal: NodeJS.Signals | null }>;
export function diffFiles(expectedPath: string, actualPath: string): string;
export interface RegressResult { name: string; ok: boolean; diff: string; psqlExit: number | null; handWritten: boolean }
export function runSuite(
  conn: { host: string; port: number; user: string; database: string },
  opts?: { only?: string[]; update?: boolean; skipHandWritten?: boolean; onResult?: (r: RegressResult) => void },
): Promise<RegressResult[]>;
export function writeJson(path: string, value: unknown): void;
