/** Sandbox defaults that the CLI shows in help without loading the sandbox itself. */

/** The sandbox's default TCP port. */
export const DEFAULT_SANDBOX_PORT = 4599;

/** The sandbox registry's default largest blob (one image layer), in MiB: uploads over it get SIZE_INVALID. */
export const DEFAULT_MAX_BLOB_MIB = 32;

/** The slowest sandbox clock: a thousandth of real time. */
export const MIN_TIME_SCALE = 0.001;
/** The fastest sandbox clock: 100,000 sandbox seconds (more than a day) per real second. */
export const MAX_TIME_SCALE = 100_000;
