/**
 * The `file` subsystem's slice of kernel memory: a small file descriptor
 * table in every signal_struct (standing in for the files_struct that
 * CLONE_FILES threads share, include/linux/fdtable.h), and the `file` slab
 * cache (struct file, include/linux/fs.h) the table points at.
 */
import { defineSubsystem } from '../../runtime/index.js';

/** fds FD_BASE .. FD_BASE + FDTABLE_SIZE - 1 (0..2 are never handed out). */
export const FDTABLE_SIZE = 8;
export const FD_BASE = 3;
/**
 * An fd slot reserved by get_unused_fd_flags() and not installed yet (its
 * bit is set in open_fds, fdt->fd[fd] is still NULL). File handles are
 * positive, so -1 cannot be one.
 */
export const FD_RESERVED = -1;
/** Too many open files (include/uapi/asm-generic/errno-base.h): the fd table is full. */
export const EMFILE = 24;

// ----- cache: file (payload offsets) -----------------------------------------
/** What the file is (FileKind): lockstep's stand-in for file->f_op. */
export const FILE_KIND = 0;
/** file->f_mode (FMODE_* bits). */
export const FILE_MODE = 1;
/** file->private_data: handle of the object (a landlock_ruleset, a seccomp_filter ...). */
export const FILE_OBJ = 2;
export const FILE_WORDS = 4;

/** Which file_operations a file has: decides what its release puts. */
export const FileKind = { RULESET: 1, REGULAR: 2, SECCOMP_LISTENER: 3 } as const;

/** include/linux/fs.h */
export const FMODE_READ = 1;
export const FMODE_CAN_READ = 2;

export const file = defineSubsystem({
  name: 'file',
  url: import.meta.url,
  signal: {
    /** fdt->fd[]: handles of `file` objects, 0 for a free fd. */
    fdtable: FDTABLE_SIZE,
  },
  caches: {
    file: { words: FILE_WORDS, capacity: 256, fields: { [FILE_OBJ]: 'private_data' } },
  },
});
