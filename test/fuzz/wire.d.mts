export interface BackendMessage { type: string; body: Buffer; fields?: Record<string, string>; status?: string }
export interface Collected { messages: BackendMessage[]; ready: boolean; closed: boolean }
export function int32(n: number): Buffer;
export function int16(n: number): Buffer;
export function cstr(s: string | Buffer): Buffer;
export function msg(type: string, ...parts: (Buffer | Uint8Array)[]): Buffer;
export function startupMessage(params: Record<string, string>): Buffer;
export function query(sql: string | Buffer): Buffer;
export function parse(name: string, sql: string | Buffer, types?: number[]): Buffer;
export function bind(portal: string, stmt: string, params?: (Buffer | null)[], paramFormats?: number[], resultFormats?: number[]): Buffer;
export function describe(kind: 'S' | 'P', name: string): Buffer;
export function execute(portal: string, maxRows?: number): Buffer;
export function close(kind: 'S' | 'P', name: string): Buffer;
export function sync(): Buffer;
export function flush(): Buffer;
export function terminate(): Buffer;
export class WireConn {
  closed: boolean;
  overflow: boolean;
  messages: BackendMessage[];
  static open(host: string, port: number, timeoutMs?: number): Promise<WireConn>;
  write(b: Buffer): void;
  waitUntil(pred: (ms: BackendMessage[]) => boolean, timeoutMs: number): Promise<boolean>;
  untilReady(timeoutMs: number): Promise<Collected>;
  startup(user: string, database: string, timeoutMs?: number): Promise<Collected>;
  destroy(): void;
}
