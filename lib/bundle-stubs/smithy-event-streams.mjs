// Bundle stand-in for @smithy/core/event-streams (15 KB): DynamoDB, SQS, SNS and Secrets Manager have no event-stream operations.
const unsupported = () => { throw new Error('AWS event streams are not bundled in Stratus functions'); };
export class EventStreamSerde { constructor() { unsupported(); } }
export const eventStreamSerdeProvider = unsupported;
