// Bundle stand-in for bowser (34 KB): only the AWS SDK's browser user-agent code imports it, which Node never runs;
// were it ever loaded, no browser is parsed (the user agent then says "unknown").
export const parse = () => undefined;
export default { parse };
