// Bundle stand-in for @aws-sdk/credential-provider-node (the default chain: env, SSO, ini, process, web identity,
// container, IMDS; ~95 KB of chunks with STS, SSO and sign-in clients). A Lambda function's credentials are always in
// its environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); a container credentials endpoint
// (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI) is the fallback. Nothing else is read: no profiles, no files.
import { fromEnv } from '@aws-sdk/credential-provider-env';

const containerCredentials = () => process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;

export const defaultProvider = (init = {}) => async function lambdaCredentials(identityProperties) {
  try {
    return await fromEnv(init)();
  } catch (error) {
    if (!containerCredentials()) throw error;
    const { fromHttp } = await import('@aws-sdk/credential-provider-http');
    return fromHttp(init)(identityProperties);
  }
};
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
