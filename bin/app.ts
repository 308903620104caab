#!/usr/bin/env -S npx tsx
import { buildApp } from '../lib/app.js';

// The CLI passes cdk.json and -c context through the environment; App synthesizes on exit.
buildApp();
