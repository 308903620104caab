// Bundle stand-in for @smithy/core/event-streams (15 KB): DynamoDB, SQS, SNS and Secrets Manager have no event-stream operations; the research functions' S3 uses none.
const unsupported = () => { throw new Error('AWS event streams are not bundled in Stratus functions'); };
export class EventStreamSerde { constructor() { unsupported(); } }
// S3 (SelectObjectContent) asks for a marshaller when its client is built: one whose every use throws.
export const eventStreamSerdeProvider = () => new Proxy({}, { get: () => unsupported });
export const resolveEventStreamSerdeConfig = (input) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
