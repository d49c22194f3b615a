#!/usr/bin/env node
// The CLI entry. The sources are TypeScript that Node 24 runs directly (type stripping), so there is no build step.
import '../src/main.ts';
