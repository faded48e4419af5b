// Type of what test/harness/global-setup.mjs provides to the 'clients' project.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    target: {
      kind: 'pg' | 'nodedb';
      host: string;
      port: number;
      httpPort: number;
      user: string;
      database: string;
      pid: number;
      /** Non-empty when the shared target failed to start. */
      startError: string;
    };
  }
}
