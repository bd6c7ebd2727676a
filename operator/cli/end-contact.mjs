#!/usr/bin/env node
// The `end-contact` bin: runs the TypeScript CLI through tsx, as `npm run cli` does.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
