#!/usr/bin/env node
import { runForge } from './main.js';

const exitCode = await runForge(process.argv);
if (exitCode !== 0) process.exitCode = exitCode;
