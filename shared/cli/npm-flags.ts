// `npm start --symbols BTC/USDT` never reaches us as written: npm (10 and 11) keeps every flag before `--` as its own
// config, exports it as npm_config_<name> (dashes as underscores; `true`, or the value of `--name=value`) and passes
// the flag's value on as a bare argument. Checked against npm 10.9 and 11.19 on a fixture script.

/** The command's options npm took for itself: set as npm_config_<name> under an npm script, absent from argv. */
export function npmSwallowedFlags(env: NodeJS.ProcessEnv, optionNames: readonly string[], argv: readonly string[]): string[] {
  if (!env.npm_lifecycle_event || env.npm_lifecycle_event === 'npx') return [];
  return optionNames.filter((name) => {
    const value = env[`npm_config_${name.replace(/-/g, '_')}`];
    return value !== undefined && value !== '' && !argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  });
}

/** One line telling how to pass the flags npm swallowed: after `--`, or through npx. */
export function npmSwallowedMessage(env: NodeJS.ProcessEnv, command: string, flags: readonly string[]): string {
  const event = env.npm_lifecycle_event ?? 'start';
  const given = flags.map((f) => `--${f} …`).join(' ');
  const script = event === 'start' ? 'npm start --' : event === 'stratus' ? `npm run stratus -- ${command}` : `npm run ${event} --`;
  return `npm kept ${flags.map((f) => `--${f}`).join(', ')} for itself (its value${flags.length > 1 ? 's' : ''} went on as bare arguments); `
    + `use ${script} ${given} (or npx stratus ${command} ${given})`;
}
