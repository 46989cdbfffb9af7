// SPDX-License-Identifier: Apache-2.0
// GNU libmicrohttpd (Debian: libmicrohttpd-dev), the HTTP/1.1 server of the API
// forwarder, as systemd-journal-remote uses it: the parsing of what local clients
// send is the library's, never ours. MHD_start_daemon and MHD_get_connection_info
// are variadic, which Swift cannot call: these typed wrappers are the whole bridge.
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

typedef void *(*deviceauth_mhd_uri_callback)(void *context, const char *uri, struct MHD_Connection *connection);

/// One thread per connection (a handler may wait for the provider), on `listen_fd`
/// (a Unix socket bound by the caller or handed over by systemd). `memory_limit`
/// bounds what one connection may hold of headers; `timeout` closes an idle one.
/// `uri` sees each request's target as it was sent (the handler gets it parsed, its
/// query split up): what it answers is the request's first `*req_cls`.
static inline struct MHD_Daemon *deviceauth_mhd_start(int listen_fd, unsigned int connection_limit, unsigned int timeout_seconds,
                                                     size_t memory_limit, MHD_AccessHandlerCallback handler, void *handler_context,
                                                     MHD_RequestCompletedCallback completed, deviceauth_mhd_uri_callback uri,
                                                     void *context) {
    return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC,
                            0, NULL, NULL, handler, handler_context,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, context,
                            MHD_OPTION_URI_LOG_CALLBACK, uri, context,
                            MHD_OPTION_END);
}

/// The connection's socket, for its peer's credentials (SO_PEERCRED); -1 when unknown.
static inline int deviceauth_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}
