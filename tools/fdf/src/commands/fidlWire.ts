import type { Command } from 'commander';

/** `fdf fidl encode` and `fdf fidl decode`. */
export function registerFidlWireCommands(_fidl: Command): void {}
