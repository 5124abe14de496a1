import type { Command } from 'commander';

/** `fdf fidl check` and `fdf fidl compile`. */
export function registerFidlCheckCommands(_fidl: Command): void {}
