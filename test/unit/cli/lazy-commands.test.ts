import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandNamed, commands, registerCommands } from '../../../src/cli/commands/index.js';

describe('lazy command loading', () => {
  it('finds the command past global options and their values', () => {
    expect(commandNamed(['node', 'sluice', 'status'])).toBe('status');
    expect(commandNamed(['node', 'sluice', '--dir', 'up', 'status', '--check'])).toBe('status');
    expect(commandNamed(['node', 'sluice', '--url', 'postgres://x/y', '--json', 'up', '--to', '5'])).toBe(
      'up',
    );
    expect(commandNamed(['node', 'sluice', '--env=production', 'down'])).toBe('down');
    expect(commandNamed(['node', 'sluice', '--env-file', 'status', 'history'])).toBe('history');
  });

  it('names no command for help, an unknown command, a prototype key or none', () => {
    expect(commandNamed(['node', 'sluice'])).toBeUndefined();
    expect(commandNamed(['node', 'sluice', '--help'])).toBeUndefined();
    expect(commandNamed(['node', 'sluice', 'help', 'status'])).toBeUndefined();
    expect(commandNamed(['node', 'sluice', 'stauts'])).toBeUndefined();
    expect(commandNamed(['node', 'sluice', 'toString'])).toBeUndefined();
    expect(commandNamed(['node', 'sluice', '--', 'status'])).toBeUndefined();
  });

  it('registers only the named command, or all of them', async () => {
    const one = new Command('sluice');
    await registerCommands(one, ['node', 'sluice', 'status']);
    expect(one.commands.map((c) => c.name())).toEqual(['status']);

    const all = new Command('sluice');
    await registerCommands(all, ['node', 'sluice', '--help']);
    expect(all.commands.map((c) => c.name())).toEqual(Object.keys(commands));
  });
});
