// SPDX-License-Identifier: Apache-2.0
// Linux interfaces Swift's Glibc module leaves out: timers on CLOCK_BOOTTIME,
// event counters to wake a thread, and the signal set calls.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
// glibc's allocator settings: one arena for every thread (a daemon that does little
// needs no per-thread arenas, each of which keeps its own partly used pages).
#include <malloc.h>
// Whether a credential carries an ACL (DeviceAuth/Storage/ClientSecret.swift).
#include <sys/xattr.h>
// For the journal's large-message path (Systemd/JournalSocket.swift): a sealed
// memfd holding the message, and its descriptor as SCM_RIGHTS (CMSG_* are
// macros Swift cannot call).
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
/// A read-only (sealed) memfd with `size` bytes of `data`, or -1 with errno set.
static inline int deviceauth_sealed_memfd(const void *data, size_t size) {
    int fd = (int)syscall(SYS_memfd_create, "journal-message", 0x0001U | 0x0002U);  // MFD_CLOEXEC | MFD_ALLOW_SEALING
    if (fd < 0) return -1;
    const char *next = data;
    while (size > 0) {
        ssize_t written = write(fd, next, size);
        if (written <= 0) { close(fd); return -1; }
        next += written;
        size -= (size_t)written;
    }
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) { close(fd); return -1; }
    return fd;
}
/// Sends `fd` alone (no payload) as SCM_RIGHTS to the socket address `name`.
static inline ssize_t deviceauth_send_fd(int socket, const struct sockaddr *name, socklen_t length, int fd, int flags) {
    union { char buffer[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = { .msg_name = (void *)name, .msg_namelen = length,
                              .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    return sendmsg(socket, &message, flags);
}
/// The receiving side of deviceauth_send_fd (the tests play journald): one datagram
/// into `buffer`, and the descriptor it carried in `*fd` (-1 if none).
static inline ssize_t deviceauth_receive_fd(int socket, void *buffer, size_t size, int *fd) {
    union { char buffer[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct iovec vector = { .iov_base = buffer, .iov_len = size };
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1,
                              .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
    ssize_t received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    *fd = -1;
    struct cmsghdr *header = received >= 0 ? CMSG_FIRSTHDR(&message) : NULL;
    if (header && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(header), sizeof(int));
    return received;
}
// Process hardening (DaemonRuntime/ProcessHardening.swift): prctl is variadic, which
// Swift cannot call.
#include <sys/prctl.h>
#include <sys/resource.h>
/// No core dump and no ptrace by a same-uid process; /proc/self files become root's.
static inline int deviceauth_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
// Times and sizes in 64 bits whatever the platform's time_t and off_t (32-bit ARM):
// Swift imports glibc without _TIME_BITS=64 or _FILE_OFFSET_BITS=64, so these go
// to the kernel's 64-bit interfaces themselves, and hand back plain integers.
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
/// The clock's reading as 64-bit seconds and nanoseconds, or -1 with errno set.
/// On 32-bit platforms clock_gettime64 (Linux 5.1) first: it is right after 2038.
static inline int deviceauth_clock_read(clockid_t clock, int64_t *seconds, int64_t *nanoseconds) {
#if defined(__NR_clock_gettime64)
    struct { int64_t tv_sec; int64_t tv_nsec; } wide;
    if (syscall(__NR_clock_gettime64, clock, &wide) == 0) { *seconds = wide.tv_sec; *nanoseconds = wide.tv_nsec; return 0; }
    if (errno != ENOSYS) return -1;
#endif
    struct timespec now;
    if (clock_gettime(clock, &now) != 0) return -1;
    *seconds = (int64_t)now.tv_sec;
    *nanoseconds = (int64_t)now.tv_nsec;
    return 0;
}
/// The clock's reading in nanoseconds, 64 bits whatever time_t is (to 2262 for the wall
/// clock; a reading beyond saturates), or 0 if it cannot be read. Every reading of a clock
/// in the daemon and the CLI goes through here or deviceauth_clock_read.
static inline int64_t deviceauth_clock_nanoseconds(clockid_t clock) {
    int64_t seconds, nanoseconds;
    if (deviceauth_clock_read(clock, &seconds, &nanoseconds) != 0) return 0;
    if (seconds > INT64_MAX / 1000000000 - 1) return INT64_MAX;
    if (seconds < INT64_MIN / 1000000000 + 1) return INT64_MIN;
    return seconds * 1000000000 + nanoseconds;
}
/// The clock's reading in seconds, with its fraction (64-bit seconds whatever time_t is).
static inline double deviceauth_clock_seconds(clockid_t clock) {
    int64_t seconds, nanoseconds;
    if (deviceauth_clock_read(clock, &seconds, &nanoseconds) != 0) return 0;
    return (double)seconds + (double)nanoseconds / 1e9;
}
/// Arms a timerfd at an absolute 64-bit deadline (seconds, nanoseconds) with `flags`;
/// 0, or -1 with errno set. timerfd_settime64 first where time_t is 32 bits.
static inline int deviceauth_timerfd_arm(int fd, int flags, int64_t seconds, int64_t nanoseconds) {
#if defined(__NR_timerfd_settime64)
    struct { int64_t tv_sec; int64_t tv_nsec; } wide[2] = { { 0, 0 }, { seconds, nanoseconds } };  // interval, value
    if (syscall(__NR_timerfd_settime64, fd, flags, wide, NULL) == 0) return 0;
    if (errno != ENOSYS) return -1;
#endif
    if (seconds > (int64_t)((((uint64_t)1) << (sizeof(time_t) * 8 - 1)) - 1)) { errno = EOVERFLOW; return -1; }
    struct itimerspec spec = { .it_interval = { 0, 0 }, .it_value = { (time_t)seconds, (long)nanoseconds } };
    return timerfd_settime(fd, flags, &spec, NULL);
}
/// What the daemon reads of a file's status, in fixed widths.
struct deviceauth_file_status {
    uint32_t mode;
    uint32_t owner;
    uint32_t group;
    uint64_t device;
    uint64_t inode;
    int64_t size;
};
static inline void deviceauth_fill_status(const struct stat *info, struct deviceauth_file_status *out) {
    out->mode = (uint32_t)info->st_mode;
    out->owner = (uint32_t)info->st_uid;
    out->group = (uint32_t)info->st_gid;
    out->device = (uint64_t)info->st_dev;
    out->inode = (uint64_t)info->st_ino;
    out->size = (int64_t)info->st_size;
}
#if defined(STATX_BASIC_STATS)
static inline void deviceauth_fill_statx(const struct statx *wide, struct deviceauth_file_status *out) {
    out->mode = wide->stx_mode;
    out->owner = wide->stx_uid;
    out->group = wide->stx_gid;
    out->device = (uint64_t)makedev(wide->stx_dev_major, wide->stx_dev_minor);  // as st_dev (JOURNAL_STREAM's form)
    out->inode = wide->stx_ino;
    out->size = (int64_t)wide->stx_size;
}
#endif
/// stat(2) (`follow`) or lstat(2) by path; 0, or -1 with errno set. Through statx
/// (Linux 4.11), whose fields are 64 bits everywhere, so a 32-bit build never fails
/// with EOVERFLOW on a large file or inode; stat itself where statx is missing.
static inline int deviceauth_status(const char *path, int follow, struct deviceauth_file_status *out) {
#if defined(STATX_BASIC_STATS)
    struct statx wide;
    if (statx(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &wide) == 0) {
        deviceauth_fill_statx(&wide, out);
        return 0;
    }
    if (errno != ENOSYS) return -1;
#endif
    struct stat info;
    if ((follow ? stat(path, &info) : lstat(path, &info)) != 0) return -1;
    deviceauth_fill_status(&info, out);
    return 0;
}
/// fstat(2) of a descriptor, in the same fixed widths.
static inline int deviceauth_fd_status(int fd, struct deviceauth_file_status *out) {
#if defined(STATX_BASIC_STATS)
    struct statx wide;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &wide) == 0) {
        deviceauth_fill_statx(&wide, out);
        return 0;
    }
    if (errno != ENOSYS) return -1;
#endif
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    deviceauth_fill_status(&info, out);
    return 0;
}
/// Whether the calls above reach statx (1) or only stat (0): said by the tests.
static inline int deviceauth_status_uses_statx(void) {
#if defined(STATX_BASIC_STATS)
    return 1;
#else
    return 0;
#endif
}
// SO_PEERGROUPS (Linux 4.13) is in the C headers, not in Swift's Glibc module; its
// number differs between architectures, so it comes from here, never a literal.
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
static const int deviceauth_so_peergroups = SO_PEERGROUPS;
// glibc-only calls, behind functions that build with musl too (the Static Linux SDK):
// they are optimisations, so elsewhere they do nothing.
/// One malloc arena for every thread (glibc gives each thread that allocates its own).
static inline void deviceauth_one_malloc_arena(void) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
#endif
}
/// Gives freed heap pages back to the kernel.
static inline void deviceauth_trim_heap(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
/// setrlimit/getrlimit on a resource named portably (glibc types the resource as an
/// enum Swift must spell __rlimit_resource_t; musl as an int).
static inline int deviceauth_forbid_core_files(void) {
    struct rlimit none = { 0, 0 };
    return setrlimit(RLIMIT_CORE, &none);
}
/// The soft limit of open descriptors, or -1 (unlimited is reported as INT64_MAX).
static inline int64_t deviceauth_open_files_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    return limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > (rlim_t)INT64_MAX ? INT64_MAX : (int64_t)limit.rlim_cur;
}

// --- Unix socket addresses, built in one place (the control socket's client and server,
// the journal's and systemd's notify sockets).
#include <stddef.h>
#include <sys/un.h>
/// Fills `out` for a socket file `path`, or, with `abstract_at` and a path starting with '@',
/// for that name in the abstract namespace (a leading NUL, no terminator, as systemd writes
/// NOTIFY_SOCKET). Answers the address's length, or 0 with errno set: ENAMETOOLONG when it
/// does not fit sun_path, EINVAL when empty.
static inline socklen_t deviceauth_unix_address(const char *path, int abstract_at, struct sockaddr_un *out) {
    size_t length = strlen(path);
    memset(out, 0, sizeof *out);
    out->sun_family = AF_UNIX;
    if (length == 0) { errno = EINVAL; return 0; }
    if (length >= sizeof out->sun_path) { errno = ENAMETOOLONG; return 0; }
    memcpy(out->sun_path, path, length);
    if (abstract_at && path[0] == '@') {
        out->sun_path[0] = 0;
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
    }
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
}
/// connect(2) a Unix stream socket to a socket file: 0, or -1 with errno set.
static inline int deviceauth_unix_connect(int fd, const char *path) {
    struct sockaddr_un address;
    socklen_t length = deviceauth_unix_address(path, 0, &address);
    return length == 0 ? -1 : connect(fd, (const struct sockaddr *)&address, length);
}
/// bind(2) a Unix socket to a socket file: 0, or -1 with errno set.
static inline int deviceauth_unix_bind(int fd, const char *path) {
    struct sockaddr_un address;
    socklen_t length = deviceauth_unix_address(path, 0, &address);
    return length == 0 ? -1 : bind(fd, (const struct sockaddr *)&address, length);
}

// --- Signals through a pipe (the daemon on Swift's executors, DaemonRuntime's SignalWatcher):
// a handler that writes the signal's number, whichever thread takes it; one reader. The pipe
// is static to each module that calls these: DaemonRuntime alone does, opening and reading.
static int deviceauth_signal_pipe_fds[2] = { -1, -1 };
static inline void deviceauth_signal_pipe_handler(int signal) {
    int saved = errno;
    unsigned char number = (unsigned char)signal;
    (void)write(deviceauth_signal_pipe_fds[1], &number, 1);  // full: the signal is already waiting there
    errno = saved;
}
/// Makes the pipe (close-on-exec, the write end non-blocking): 0, or -1 with errno set.
static inline int deviceauth_signal_pipe_open(void) {
    if (deviceauth_signal_pipe_fds[0] >= 0) return 0;
    if (pipe2(deviceauth_signal_pipe_fds, O_CLOEXEC) != 0) return -1;
    return fcntl(deviceauth_signal_pipe_fds[1], F_SETFL, O_NONBLOCK);
}
/// Sends `signal` to the pipe from now on (SA_RESTART: no call elsewhere sees EINTR).
static inline int deviceauth_signal_to_pipe(int signal) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = deviceauth_signal_pipe_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, NULL);
}
/// Waits for the next signal from the pipe; its number, or -1 if the pipe failed.
static inline int deviceauth_signal_pipe_read(void) {
    unsigned char number;
    for (;;) {
        ssize_t got = read(deviceauth_signal_pipe_fds[0], &number, 1);
        if (got == 1) return number;
        if (got < 0 && errno == EINTR) continue;
        return -1;
    }
}
