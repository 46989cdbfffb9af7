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
