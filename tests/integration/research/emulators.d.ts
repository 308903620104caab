// Types of the research tests' emulators (the packages ship none): the parts the tests use.
declare module 's3rver' {
  interface S3rverOptions { port?: number; address?: string; silent?: boolean; directory?: string }
  /** A local S3-compatible server. */
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}

declare module 'asl-validator' {
  /** Validates an Amazon States Language definition. */
  export default function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): {
    isValid: boolean; errors: unknown[]; errorsText: (separator?: string) => string;
  };
}
