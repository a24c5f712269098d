/** The `junction` CLI's command tree, for embedding and tests. */
export { addStackCommand } from './commands/stack';
