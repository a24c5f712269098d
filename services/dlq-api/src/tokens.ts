export const DLQ_API_CONFIG = Symbol('DLQ_API_CONFIG');
