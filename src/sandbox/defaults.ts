/** Sandbox defaults that the CLI shows in help without loading the sandbox itself. */

/** The sandbox's default TCP port. */
export const DEFAULT_SANDBOX_PORT = 4599;
