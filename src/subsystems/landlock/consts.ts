/** Landlock UAPI constants (include/uapi/linux/landlock.h). */
export const LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF = 1 << 0;
export const LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON = 1 << 1;
export const LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF = 1 << 2;
export const LANDLOCK_RESTRICT_SELF_TSYNC = 1 << 3;
/** ABI 11; its behaviour is modelled from the selftests (tools/testing/selftests/landlock/tsync_test.c). */
export const LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS = 1 << 4;
export const LANDLOCK_MASK_RESTRICT_SELF = 0x1f;
export const LANDLOCK_MAX_NUM_LAYERS = 16;

export const LANDLOCK_ACCESS_FS_WRITE_FILE = 1 << 1;
export const LANDLOCK_ACCESS_FS_TRUNCATE = 1 << 14;
export const LANDLOCK_SCOPE_SIGNAL = 1 << 1;

export const ALL_FLAGS =
  LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF |
  LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON |
  LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF |
  LANDLOCK_RESTRICT_SELF_TSYNC;
