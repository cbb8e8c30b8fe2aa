#!/usr/bin/env node
// The `bulwark` command. Sources are TypeScript run through tsx's loader, so there is no build
// step between a checkout and a running stack; cluster workers re-run this file and register too.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
