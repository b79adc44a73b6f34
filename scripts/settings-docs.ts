import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, withSettingsTable } from '../src/settings-docs.js';

// Regenerates .env.example and the README settings table from src/config.ts.
writeFileSync('.env.example', renderEnvExample());
writeFileSync('README.md', withSettingsTable(readFileSync('README.md', 'utf8')));
console.log('wrote .env.example and the README settings table');
