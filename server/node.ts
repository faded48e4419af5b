/**
 * startNode: one nodedb node with the real storage and SQL engine
 * (kv → engine → pgwire server → HTTP ops endpoint).
 */
import { openLocalKv } from '../cluster/kv/local.js';
import { createEngine } from '../sql/engine.js';
import type { NodeConfig } from './config.js';
import { startNodeWith, type NodeHandle } from './lifecycle.js';
import type { Logger } from './log.js';

export function startNode(config: NodeConfig, log: Logger): Promise<NodeHandle> {
  return startNodeWith(config, { openKv: (opts) => openLocalKv(opts), createEngine: (opts) => createEngine(opts) }, log);
}
